export interface Config {
  aiAssistant?: {
    ingestors?: {
      /**
       * Ingests markdown and docs from the Git repositories and project wikis of an Azure
       * DevOps organisation. The personal access token comes from `integrations.azure` for
       * `host`. The module adds its ingestor only when this block exists.
       */
      azureDevOps?: {
        /** The Azure DevOps organisation, e.g. `acme` in `https://dev.azure.com/acme`. */
        organization: string;
        /** The Azure DevOps host, matching an `integrations.azure` entry. Default: `dev.azure.com`. */
        host?: string;
        /**
         * The organisation's API URL. Default: `https://<host>/<organization>`. Set it only to
         * reach the API through a proxy or a test server; credentials are still those of `host`.
         */
        baseUrl?: string;
        /** Projects to read, by name. Default: every project of the organisation. */
        projects?: string[];
        /**
         * Globs of repository paths to read. Default: `['**\/*.md', '**\/*.mdx', 'docs/**']`.
         * Not applied to wiki pages.
         */
        include?: string[];
        /** Globs of repository paths to leave out even when included. Default: none. */
        exclude?: string[];
        /** Largest file or wiki page to ingest, in bytes. Default: 524288 (512 KiB). */
        maxFileSize?: number;
        /** Whether the pages of project wikis are read. Default: true. */
        wikis?: boolean;
        /**
         * Whether repositories and wikis of private projects that no catalog entity annotates
         * (`dev.azure.com/project-repo`) are ingested. Their text then reaches every chat
         * user, because there is no entity whose read permission could guard it; wikis never
         * have an entity. Repositories an entity annotates are always ingested and guarded by
         * that entity. Default: false.
         */
        includePrivateReposWithoutEntity?: boolean;
      };
    };
  };
}
