import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  type AzureDevOpsCredentialsProvider,
  DefaultAzureDevOpsCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  createRepositoryFileFilter,
  type IngestionDocument,
  type Ingestor,
  type IngestorContext,
  ingestRepositoryFiles,
  isMarkdownPath,
  readEntityRefsByAnnotation,
  type RepositoryFileFilter,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { AzureDevOpsIngestorConfig } from './config';
import {
  AzureDevOpsClient,
  type AzureProject,
  type AzureRepository,
  type AzureWiki,
} from './AzureDevOpsClient';

/**
 * The annotation that ties a catalog entity to its Azure repository (`project/repo`).
 *
 * @public
 */
export const AZURE_DEVOPS_PROJECT_REPO_ANNOTATION =
  'dev.azure.com/project-repo';

/**
 * Options of {@link AzureDevOpsIngestor}.
 *
 * @public
 */
export interface AzureDevOpsIngestorOptions {
  config: AzureDevOpsIngestorConfig;
  credentialsProvider: AzureDevOpsCredentialsProvider;
  logger: LoggerService;
  /** With `auth`, maps repositories to the catalog entities that annotate them. */
  catalog?: CatalogService;
  auth?: AuthService;
  fetch?: typeof fetch;
}

/**
 * Ingests markdown and docs of the Git repositories of an Azure DevOps organisation and the
 * pages of its project wikis, id `azure-devops`. A file is downloaded only when its object id
 * differs from the version stored at the last run; unchanged files are kept.
 *
 * Repository documents: id `<project>/<repo>/<path>`, version = object id (plus the guarding
 * entity refs), metadata `{ project, repository, path, branch }`. A repository is guarded by
 * the entities whose `dev.azure.com/project-repo` names it and whose catalog file lies in it
 * (see `readEntityRefsByAnnotation`); with several, a user must be allowed to read all of
 * them. Wiki pages: id `<project>/_wiki/<wiki>/<page path>` (Azure repository names cannot
 * start with `_`), read from the wiki's backing Git repository so they are incremental too;
 * they have no entity.
 * Metadata carries the project's `visibility`. Repositories of private projects that no entity
 * annotates, and wikis of private projects, are left out unless
 * `includePrivateReposWithoutEntity` is set: without an entity nothing could restrict their
 * text to the people allowed to read it.
 *
 * @public
 */
export class AzureDevOpsIngestor implements Ingestor {
  readonly id = 'azure-devops';
  readonly #options: AzureDevOpsIngestorOptions;
  readonly #client: AzureDevOpsClient;
  readonly #filter: RepositoryFileFilter;
  readonly #wikiFilter: RepositoryFileFilter;
  /** Blobs found binary or too large after downloading; later runs skip them. */
  readonly #skippedBlobs = new Set<string>();

  /** Creates the ingestor with the PAT of the `integrations.azure` entry for the host. */
  static fromConfig(
    rootConfig: Config,
    options: Omit<AzureDevOpsIngestorOptions, 'credentialsProvider'>,
  ): AzureDevOpsIngestor {
    return new AzureDevOpsIngestor({
      ...options,
      credentialsProvider:
        DefaultAzureDevOpsCredentialsProvider.fromIntegrations(
          ScmIntegrations.fromConfig(rootConfig),
        ),
    });
  }

  constructor(options: AzureDevOpsIngestorOptions) {
    const { config } = options;
    this.#options = options;
    this.#filter = createRepositoryFileFilter(config);
    this.#wikiFilter = createRepositoryFileFilter({
      include: ['**/*.md'],
      exclude: ['.attachments/**'],
      maxFileSize: config.maxFileSize,
    });
    this.#client = new AzureDevOpsClient({
      baseUrl: config.baseUrl,
      fetch: options.fetch,
      getHeaders: async () => {
        const credentials = await options.credentialsProvider.getCredentials({
          url: `https://${config.host}/${config.organization}`,
        });
        return credentials?.headers ?? {};
      },
    });
  }

  async *ingest(context: IngestorContext): AsyncIterable<IngestionDocument> {
    const { signal } = context;
    if (signal.aborted) return;
    const entityRefs = await this.#readEntityRefs();
    const withheld: string[] = [];
    for (const project of await this.#projects(signal)) {
      const repositories = await this.#client.listRepositories(
        project.name,
        signal,
      );
      for (const repository of repositories) {
        if (signal.aborted) return;
        if (repository.isDisabled || !repository.defaultBranch) continue;
        const guards = entityRefs.get(
          `${project.name}/${repository.name}`.toLowerCase(),
        );
        if (!guards && !this.#mayIngestWithoutEntity(project)) {
          withheld.push(`${project.name}/${repository.name}`);
          continue;
        }
        yield* this.#ingestRepository(
          project,
          repository,
          guards ?? [],
          context,
        );
      }
      if (!this.#options.config.wikis) continue;
      if (!this.#mayIngestWithoutEntity(project)) {
        withheld.push(`${project.name} wikis`);
      } else {
        for (const wiki of await this.#client.listWikis(project.name, signal)) {
          if (signal.aborted) return;
          // Code wikis are folders of a repository, ingested with it.
          if (wiki.type !== 'projectWiki') continue;
          yield* this.#ingestWiki(project, wiki, context);
        }
      }
    }
    this.#reportWithheld(withheld);
  }

  // Without an entity nothing guards a document, so only public text may go in unasked.
  #mayIngestWithoutEntity(project: AzureProject): boolean {
    return (
      project.visibility === 'public' ||
      this.#options.config.includePrivateReposWithoutEntity
    );
  }

  #reportWithheld(withheld: string[]) {
    if (withheld.length === 0) return;
    this.#options.logger.info(
      `Left out ${withheld.length} repositories and wikis of private Azure DevOps projects that no catalog entity annotates (${withheld.slice(0, 10).join(', ')}${withheld.length > 10 ? ', ...' : ''}); ` +
        'annotate repositories with dev.azure.com/project-repo or set aiAssistant.ingestors.azureDevOps.includePrivateReposWithoutEntity',
    );
  }

  async #projects(signal: AbortSignal): Promise<AzureProject[]> {
    const all = await this.#client.listProjects(signal);
    const wanted = this.#options.config.projects?.map(p => p.toLowerCase());
    return wanted
      ? all.filter(p => wanted.includes(p.name.toLowerCase()))
      : all;
  }

  async *#ingestRepository(
    project: AzureProject,
    repository: AzureRepository,
    guards: string[],
    context: IngestorContext,
  ): AsyncIterable<IngestionDocument> {
    const branch = repository.defaultBranch!.replace(/^refs\/heads\//, '');
    const items = await this.#client.listItems(
      project.name,
      repository.id,
      branch,
      context.signal,
    );
    const { host, organization } = this.#options.config;
    const files = (items ?? [])
      .filter(item => item.gitObjectType === 'blob')
      .map(item => {
        const path = item.path.replace(/^\/+/, '');
        return {
          id: `${project.name}/${repository.name}/${path}`,
          path,
          blobId: item.objectId,
          version: [item.objectId, ...guards].join(' '),
        };
      });
    yield* ingestRepositoryFiles({
      files,
      context,
      filter: this.#filter,
      skippedBlobs: this.#skippedBlobs,
      download: file =>
        this.#client.getBlob(
          project.name,
          repository.id,
          file.blobId,
          context.signal,
        ),
      toDocument: (file, content) => ({
        id: file.id,
        title: `${repository.name}: ${file.path}`,
        url:
          `https://${host}/${encodeURIComponent(organization)}/${encodeURIComponent(project.name)}` +
          `/_git/${encodeURIComponent(repository.name)}?path=${encodeURIComponent(`/${file.path}`)}` +
          `&version=GB${encodeURIComponent(branch)}`,
        content,
        markdown: isMarkdownPath(file.path),
        entityRef: guards[0],
        ...(guards.length > 1 && { entityRefs: guards }),
        // Without a guard: a public project, or a private one the admin opted in for all.
        ...(guards.length === 0 && { public: true }),
        version: file.version,
        metadata: {
          project: project.name,
          repository: repository.name,
          path: file.path,
          branch,
          visibility: project.visibility ?? 'private',
        },
      }),
    });
  }

  async *#ingestWiki(
    project: AzureProject,
    wiki: AzureWiki,
    context: IngestorContext,
  ): AsyncIterable<IngestionDocument> {
    const branch = wiki.versions?.[0]?.version ?? 'wikiMaster';
    const items = await this.#client.listItems(
      project.name,
      wiki.repositoryId,
      branch,
      context.signal,
    );
    const { host, organization } = this.#options.config;
    const files = (items ?? [])
      .filter(item => item.gitObjectType === 'blob')
      .map(item => {
        const pagePath = wikiPagePath(item.path);
        return {
          id: `${project.name}/_wiki/${wiki.name}${pagePath}`,
          path: item.path.replace(/^\/+/, ''),
          pagePath,
          blobId: item.objectId,
          version: item.objectId,
        };
      });
    yield* ingestRepositoryFiles({
      files,
      context,
      filter: this.#wikiFilter,
      skippedBlobs: this.#skippedBlobs,
      download: file =>
        this.#client.getBlob(
          project.name,
          wiki.repositoryId,
          file.blobId,
          context.signal,
        ),
      toDocument: (file, content) => ({
        id: file.id,
        title: `${wiki.name}: ${file.pagePath.slice(1)}`,
        url:
          `https://${host}/${encodeURIComponent(organization)}/${encodeURIComponent(project.name)}` +
          `/_wiki/wikis/${encodeURIComponent(wiki.name)}?pagePath=${encodeURIComponent(file.pagePath)}`,
        content,
        markdown: true,
        // Wikis have no entity; they are read only where everybody may have them (see ingest).
        public: true,
        version: file.version,
        metadata: {
          project: project.name,
          wiki: wiki.name,
          page: file.pagePath,
          visibility: project.visibility ?? 'private',
        },
      }),
    });
  }

  async #readEntityRefs(): Promise<Map<string, string[]>> {
    const { catalog, auth, logger, config } = this.#options;
    if (!catalog || !auth) return new Map();
    return readEntityRefsByAnnotation({
      catalog,
      auth,
      logger,
      annotation: AZURE_DEVOPS_PROJECT_REPO_ANNOTATION,
      repositoryOfUrl: url => azureRepositoryOfUrl(url, config),
    });
  }
}

/**
 * `project/repo` (lower-cased) of a Git URL of the configured organisation, e.g. of an
 * entity's catalog file `https://dev.azure.com/acme/Platform/_git/payments?path=/catalog-info.yaml`,
 * or undefined. `https://dev.azure.com/acme/_git/payments` is the short form of a repository
 * named like its project.
 */
function azureRepositoryOfUrl(
  url: string,
  config: { host: string; organization: string },
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.host.toLowerCase() !== config.host.toLowerCase()) return undefined;
  let segments: string[];
  try {
    segments = parsed.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segments[0]?.toLowerCase() !== config.organization.toLowerCase()) {
    return undefined;
  }
  let project: string | undefined;
  let repository: string | undefined;
  if (segments[1] === '_git') {
    [project, repository] = [segments[2], segments[2]];
  } else if (segments[2] === '_git') {
    [project, repository] = [segments[1], segments[3]];
  }
  if (!project || !repository) return undefined;
  return `${project}/${repository}`.toLowerCase();
}

/**
 * The page path of a wiki file: Azure DevOps stores page `/Getting started/Set-up` as
 * `/Getting-started/Set%2Dup.md` (spaces become dashes, dashes are escaped). A `%` that starts
 * no valid escape stays as it is, since a file pushed to the wiki's repository can be named
 * anything and one such name must not stop the run.
 */
export function wikiPagePath(gitPath: string): string {
  return gitPath
    .replace(/\.md$/i, '')
    .split('/')
    .map(segment =>
      segment.replace(/-/g, ' ').replace(/(?:%[0-9a-f]{2})+/gi, escapes => {
        try {
          return decodeURIComponent(escapes);
        } catch {
          return escapes;
        }
      }),
    )
    .join('/');
}
