import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  type GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  createRepositoryFileFilter,
  ingestRepositoryFiles,
  type IngestionDocument,
  type Ingestor,
  type IngestorContext,
  isMarkdownPath,
  readEntityRefsByAnnotation,
  type RepositoryFileFilter,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { GithubIngestorConfig } from './config';
import { GithubClient, type GithubRepository } from './GithubClient';

/**
 * The annotation that ties a catalog entity to its GitHub repository (`org/repo`).
 *
 * @public
 */
export const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/**
 * Options of {@link GithubIngestor}.
 *
 * @public
 */
export interface GithubIngestorOptions {
  config: GithubIngestorConfig;
  /** E.g. `https://api.github.com`. */
  apiBaseUrl: string;
  credentialsProvider: GithubCredentialsProvider;
  logger: LoggerService;
  /** With `auth`, maps repositories to the catalog entities that annotate them. */
  catalog?: CatalogService;
  auth?: AuthService;
  fetch?: typeof fetch;
}

/**
 * Ingests the markdown and docs of every repository of the configured GitHub organisations,
 * id `github`. A file is downloaded only when its blob sha differs from the version stored at
 * the last run; unchanged files are kept.
 *
 * Documents: id `<org>/<repo>/<path>`, title `<repo>: <path>`, the file's URL on GitHub, the
 * blob sha as version (plus the guarding entity refs, so re-mapping a repository re-ingests it),
 * and metadata `{ repository, path, branch, visibility }`.
 *
 * A repository is guarded by the entities whose `github.com/project-slug` names it and whose
 * catalog file lies in it (see `readEntityRefsByAnnotation`); with several, a user must be
 * allowed to read all of them. Non-public repositories that no entity validly annotates are
 * left out unless `includePrivateReposWithoutEntity` is set, because only an entity's read
 * permission can keep their text from users who may not see it.
 *
 * @public
 */
export class GithubIngestor implements Ingestor {
  readonly id = 'github';
  readonly #options: GithubIngestorOptions;
  readonly #client: GithubClient;
  readonly #filter: RepositoryFileFilter;
  /** Blobs found binary after downloading; later runs skip them. */
  readonly #skippedBlobs = new Set<string>();

  /**
   * Creates the ingestor with credentials and the API base URL of the `integrations.github`
   * entry for the configured host.
   */
  static fromConfig(
    rootConfig: Config,
    options: Omit<GithubIngestorOptions, 'apiBaseUrl' | 'credentialsProvider'>,
  ): GithubIngestor {
    const integrations = ScmIntegrations.fromConfig(rootConfig);
    const integration = integrations.github.byHost(options.config.host);
    if (!integration) {
      throw new Error(
        `No integrations.github entry for host ${options.config.host}, which aiAssistant.ingestors.github.host names`,
      );
    }
    return new GithubIngestor({
      ...options,
      apiBaseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
      credentialsProvider:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    });
  }

  constructor(options: GithubIngestorOptions) {
    this.#options = options;
    this.#filter = createRepositoryFileFilter(options.config);
    this.#client = new GithubClient({
      apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''),
      logger: options.logger,
      maxRateLimitWaitMs: options.config.maxRateLimitWaitMs,
      fetch: options.fetch,
      getHeaders: async organization => {
        const { headers } = await options.credentialsProvider.getCredentials({
          url: `https://${options.config.host}/${organization}`,
        });
        return headers ?? {};
      },
    });
  }

  async *ingest(context: IngestorContext): AsyncIterable<IngestionDocument> {
    const { signal } = context;
    if (signal.aborted) return;
    const entityRefs = await this.#readEntityRefs();
    const withheld: string[] = [];
    for (const organization of this.#options.config.organizations) {
      for await (const repository of this.#client.listRepositories(
        organization,
        signal,
      )) {
        if (signal.aborted) return;
        if (!this.#wants(repository)) continue;
        const guards = entityRefs.get(repository.full_name.toLowerCase());
        if (!guards && !this.#mayIngestWithoutEntity(repository)) {
          withheld.push(repository.full_name);
          continue;
        }
        yield* this.#ingestRepository(
          organization,
          repository,
          guards ?? [],
          context,
        );
      }
    }
    if (withheld.length > 0) {
      this.#options.logger.info(
        `Left out ${withheld.length} non-public GitHub repositories that no catalog entity annotates (${withheld.slice(0, 10).join(', ')}${withheld.length > 10 ? ', ...' : ''}); ` +
          'annotate them with github.com/project-slug or set aiAssistant.ingestors.github.includePrivateReposWithoutEntity',
      );
    }
  }

  // Without an entity nothing guards a document, so only public text may go in unasked.
  #mayIngestWithoutEntity(repository: GithubRepository): boolean {
    return (
      visibilityOf(repository) === 'public' ||
      this.#options.config.includePrivateReposWithoutEntity
    );
  }

  #wants(repository: GithubRepository): boolean {
    const { includeArchived, includeForks } = this.#options.config;
    if (repository.archived && !includeArchived) return false;
    if (repository.fork && !includeForks) return false;
    return Boolean(repository.default_branch);
  }

  async *#ingestRepository(
    organization: string,
    repository: GithubRepository,
    guards: string[],
    context: IngestorContext,
  ): AsyncIterable<IngestionDocument> {
    const { signal } = context;
    const branch = repository.default_branch!;
    const tree = await this.#client.getTree(
      organization,
      repository,
      branch,
      signal,
    );
    if (!tree) return;
    if (tree.truncated) {
      this.#options.logger.warn(
        `GitHub returned a truncated tree for ${repository.full_name}; some files are not ingested`,
      );
    }
    const files = tree.entries
      .filter(entry => entry.type === 'blob')
      .map(entry => ({
        id: `${repository.full_name}/${entry.path}`,
        path: entry.path,
        blobId: entry.sha,
        version: [entry.sha, ...guards].join(' '),
        size: entry.size,
      }));
    yield* ingestRepositoryFiles({
      files,
      context,
      filter: this.#filter,
      skippedBlobs: this.#skippedBlobs,
      download: file =>
        this.#client.getBlob(organization, repository, file.blobId, signal),
      toDocument: (file, content) => ({
        id: file.id,
        title: `${repository.name}: ${file.path}`,
        url: `https://${this.#options.config.host}/${repository.full_name}/blob/${encodePath(branch)}/${encodePath(file.path)}`,
        content,
        markdown: isMarkdownPath(file.path),
        entityRef: guards[0],
        ...(guards.length > 1 && { entityRefs: guards }),
        // Without a guard: a public repository, or a private one the admin opted in for all.
        ...(guards.length === 0 && { public: true }),
        version: file.version,
        metadata: {
          repository: repository.full_name,
          path: file.path,
          branch,
          visibility: visibilityOf(repository),
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
      annotation: GITHUB_PROJECT_SLUG_ANNOTATION,
      repositoryOfUrl: url => githubRepositoryOfUrl(url, config.host),
    });
  }
}

/**
 * `org/repo` (lower-cased) of a URL on the GitHub host, e.g. of an entity's catalog file
 * `https://github.com/acme/payments/blob/main/catalog-info.yaml`, or undefined.
 */
function githubRepositoryOfUrl(url: string, host: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.host.toLowerCase() !== host.toLowerCase()) return undefined;
  const [org, repo] = parsed.pathname.split('/').filter(Boolean);
  if (!org || !repo) return undefined;
  return `${org}/${repo.replace(/\.git$/i, '')}`.toLowerCase();
}

/** `public`, `private` or `internal`; a repository that does not say is treated as private. */
function visibilityOf(repository: GithubRepository): string {
  if (repository.visibility) return repository.visibility;
  return repository.private === false ? 'public' : 'private';
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
