import { createRetryingFetch } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** A project of the organisation. */
export interface AzureProject {
  id: string;
  name: string;
  /** `private` or `public`. */
  visibility?: string;
}

/** A Git repository of a project. */
export interface AzureRepository {
  id: string;
  name: string;
  /** E.g. `refs/heads/main`; absent for an empty repository. */
  defaultBranch?: string;
  isDisabled?: boolean;
}

/** A file or folder of a repository listing. */
export interface AzureItem {
  objectId: string;
  gitObjectType: 'blob' | 'tree' | 'commit';
  /** With a leading slash, e.g. `/docs/intro.md`. */
  path: string;
}

/** A wiki of a project. */
export interface AzureWiki {
  id: string;
  name: string;
  type: 'projectWiki' | 'codeWiki';
  repositoryId: string;
  versions?: Array<{ version: string }>;
}

/** An Azure DevOps REST answer that was not successful. */
export class AzureDevOpsRequestError extends Error {
  constructor(
    readonly status: number,
    path: string,
    detail: string,
  ) {
    super(`Azure DevOps request ${path} failed with ${status}: ${detail}`);
    this.name = 'AzureDevOpsRequestError';
  }
}

const API_VERSION = 'api-version=7.1';

/**
 * The Azure DevOps REST calls the ingestor needs, over fetch. Rate limits (429 with
 * `Retry-After`) and server errors are retried by `createRetryingFetch`.
 */
export class AzureDevOpsClient {
  readonly #baseUrl: string;
  readonly #getHeaders: () => Promise<Record<string, string>>;
  readonly #fetch: typeof fetch;

  constructor(options: {
    baseUrl: string;
    getHeaders(): Promise<Record<string, string>>;
    fetch?: typeof fetch;
  }) {
    this.#baseUrl = options.baseUrl;
    this.#getHeaders = options.getHeaders;
    this.#fetch = createRetryingFetch({ fetch: options.fetch });
  }

  /** Every project, following `x-ms-continuationtoken`. */
  async listProjects(signal: AbortSignal): Promise<AzureProject[]> {
    const projects: AzureProject[] = [];
    let token: string | null = null;
    do {
      const query: string = token
        ? `&continuationToken=${encodeURIComponent(token)}`
        : '';
      const { body, headers } = await this.#request<{ value: AzureProject[] }>(
        `/_apis/projects?$top=100&${API_VERSION}${query}`,
        signal,
      );
      projects.push(...body.value);
      token = headers.get('x-ms-continuationtoken');
    } while (token && !signal.aborted);
    return projects;
  }

  async listRepositories(
    project: string,
    signal: AbortSignal,
  ): Promise<AzureRepository[]> {
    const { body } = await this.#request<{ value: AzureRepository[] }>(
      `/${encodeURIComponent(project)}/_apis/git/repositories?${API_VERSION}`,
      signal,
    );
    return body.value;
  }

  /** Every item of a branch, or `undefined` when the repository or branch is gone. */
  async listItems(
    project: string,
    repositoryId: string,
    branch: string,
    signal: AbortSignal,
  ): Promise<AzureItem[] | undefined> {
    try {
      const { body } = await this.#request<{ value: AzureItem[] }>(
        `/${encodeURIComponent(project)}/_apis/git/repositories/${repositoryId}/items` +
          `?recursionLevel=Full&versionDescriptor.version=${encodeURIComponent(branch)}` +
          `&versionDescriptor.versionType=branch&${API_VERSION}`,
        signal,
      );
      return body.value;
    } catch (error) {
      if (error instanceof AzureDevOpsRequestError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /** The bytes of a blob. */
  async getBlob(
    project: string,
    repositoryId: string,
    objectId: string,
    signal: AbortSignal,
  ): Promise<Uint8Array> {
    const { body } = await this.#request(
      `/${encodeURIComponent(project)}/_apis/git/repositories/${repositoryId}/blobs/${objectId}` +
        `?$format=octetstream&${API_VERSION}`,
      signal,
      'bytes',
    );
    return body as Uint8Array;
  }

  async listWikis(project: string, signal: AbortSignal): Promise<AzureWiki[]> {
    const { body } = await this.#request<{ value: AzureWiki[] }>(
      `/${encodeURIComponent(project)}/_apis/wiki/wikis?${API_VERSION}`,
      signal,
    );
    return body.value;
  }

  async #request<T>(
    path: string,
    signal: AbortSignal,
    as: 'json' | 'bytes' = 'json',
  ): Promise<{ body: T; headers: Headers }> {
    // A signal per request, so the run's signal does not collect a listener per call.
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.#fetch(this.#baseUrl + path, {
        headers: {
          accept:
            as === 'json' ? 'application/json' : 'application/octet-stream',
          ...(await this.#getHeaders()),
        },
        signal: controller.signal,
      });
      if (!response.ok) {
        const detail = await response.text().catch(() => '');
        throw new AzureDevOpsRequestError(response.status, path, detail);
      }
      const body =
        as === 'json'
          ? await response.json()
          : new Uint8Array(await response.arrayBuffer());
      return { body: body as T, headers: response.headers };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
