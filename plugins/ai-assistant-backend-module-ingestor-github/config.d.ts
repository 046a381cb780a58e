export interface Config {
  aiAssistant?: {
    ingestors?: {
      /**
       * Ingests markdown and docs from every repository of GitHub organisations. Credentials
       * (GitHub App or token) and the API base URL come from `integrations.github` for `host`.
       * The module adds its ingestor only when this block exists.
       */
      github?: {
        /** Organisations (or users) whose repositories are read, e.g. `['acme']`. */
        organizations: string[];
        /** The GitHub host, matching an `integrations.github` entry. Default: `github.com`. */
        host?: string;
        /**
         * Globs of repository paths to read. Default: `['**\/*.md', '**\/*.mdx', 'docs/**']`.
         * Matched case-insensitively; dot folders such as `.github/` only when a glob names them.
         */
        include?: string[];
        /** Globs of repository paths to leave out even when included. Default: none. */
        exclude?: string[];
        /** Largest file to download, in bytes. Default: 524288 (512 KiB). */
        maxFileSize?: number;
        /** Whether archived repositories are read. Default: false. */
        includeArchived?: boolean;
        /** Whether forks are read. Default: false. */
        includeForks?: boolean;
        /**
         * Longest wait for a GitHub rate limit to reset, in seconds; a longer reset fails the
         * run (nothing is pruned) and the next scheduled run tries again. Default: 900.
         */
        maxRateLimitWaitSeconds?: number;
        /**
         * Whether private and internal repositories that no catalog entity annotates
         * (`github.com/project-slug`) are ingested. Their text then reaches every chat user,
         * because there is no entity whose read permission could guard it. Repositories an
         * entity annotates are always ingested and guarded by that entity. Default: false.
         */
        includePrivateReposWithoutEntity?: boolean;
      };
    };
  };
}
