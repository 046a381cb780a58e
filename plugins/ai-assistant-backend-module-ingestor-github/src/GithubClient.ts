import type { LoggerService } from '@backstage/backend-plugin-api';
import { createRetryingFetch } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** A repository as `GET /orgs/{org}/repos` lists it; only the fields we read. */
export interface GithubRepository {
  name: string;
  full_name: string;
  default_branch?: string;
  archived?: boolean;
  fork?: boolean;
  size?: number;
  /** Whether only invited people can read it. */
  private?: boolean;
  /** `public`, `private` or `internal` (every member of the enterprise). */
  visibility?: string;
}

/** One entry of `GET /repos/{owner}/{repo}/git/trees/{ref}?recursive=1`. */
export interface GithubTreeEntry {
  path: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

/** Options of {@link GithubClient}. */
export interface GithubClientOptions {
  /** E.g. `https://api.github.com`, from the integration's `apiBaseUrl`. */
  apiBaseUrl: string;
  /** Headers authenticating requests for an organisation, from the credentials provider. */
  getHeaders(organization: string): Promise<Record<string, string>>;
  logger: LoggerService;
  /** Longest wait for a rate limit to reset. */
  maxRateLimitWaitMs: number;
  fetch?: typeof fetch;
}

/** A GitHub REST answer that was not successful. */
export class GithubRequestError extends Error {
  constructor(
    readonly status: number,
    path: string,
    detail: string,
  ) {
    super(`GitHub request ${path} failed with ${status}: ${detail}`);
    this.name = 'GithubRequestError';
  }
}

const MAX_RATE_LIMIT_RETRIES = 5;

/**
 * The few GitHub REST calls the ingestor needs, over fetch: pages followed through `Link`
 * headers, and rate limits waited out. Server errors and 429s are retried by
 * `createRetryingFetch`; GitHub also signals rate limits as 403 with
 * `x-ratelimit-remaining: 0` (primary) or `retry-after` (secondary), which this client waits out
 * up to `maxRateLimitWaitMs`.
 */
export class GithubClient {
  readonly #options: GithubClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: GithubClientOptions) {
    this.#options = options;
    this.#fetch = createRetryingFetch({ fetch: options.fetch });
  }

  /** Every repository of an organisation, or of a user when no such organisation exists. */
  async *listRepositories(
    organization: string,
    signal: AbortSignal,
  ): AsyncGenerator<GithubRepository> {
    const owner = encodeURIComponent(organization);
    try {
      yield* this.#paginate<GithubRepository>(
        organization,
        `/orgs/${owner}/repos?type=all&per_page=100`,
        signal,
      );
    } catch (error) {
      if (!(error instanceof GithubRequestError && error.status === 404)) {
        throw error;
      }
      yield* this.#paginate<GithubRepository>(
        organization,
        `/users/${owner}/repos?type=owner&per_page=100`,
        signal,
      );
    }
  }

  /** The recursive git tree of a branch; `undefined` for an empty or vanished repository. */
  async getTree(
    organization: string,
    repository: GithubRepository,
    branch: string,
    signal: AbortSignal,
  ): Promise<{ entries: GithubTreeEntry[]; truncated: boolean } | undefined> {
    try {
      const tree = await this.#getJson<{
        tree: GithubTreeEntry[];
        truncated?: boolean;
      }>(
        organization,
        `/repos/${repository.full_name}/git/trees/${encodeURIComponent(branch)}?recursive=1`,
        signal,
      );
      return { entries: tree.tree, truncated: tree.truncated ?? false };
    } catch (error) {
      if (
        error instanceof GithubRequestError &&
        (error.status === 404 || error.status === 409)
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** The bytes of a blob. */
  async getBlob(
    organization: string,
    repository: GithubRepository,
    sha: string,
    signal: AbortSignal,
  ): Promise<Buffer> {
    const blob = await this.#getJson<{ content: string; encoding: string }>(
      organization,
      `/repos/${repository.full_name}/git/blobs/${sha}`,
      signal,
    );
    return Buffer.from(
      blob.content,
      blob.encoding === 'base64' ? 'base64' : 'utf8',
    );
  }

  async *#paginate<T>(
    organization: string,
    path: string,
    signal: AbortSignal,
  ): AsyncGenerator<T> {
    let url: string | undefined = this.#options.apiBaseUrl + path;
    while (url && !signal.aborted) {
      const { body, headers } = await this.#request<T[]>(
        organization,
        url,
        signal,
      );
      yield* body;
      const next = nextLink(headers.get('link'));
      if (next !== undefined) {
        this.#assertOnApi(next, url.slice(this.#options.apiBaseUrl.length));
      }
      url = next;
    }
  }

  /**
   * Refuses a URL outside the configured API: a `Link` header is the server's word, and a
   * compromised or misconfigured server (or a proxy) could point it at a host that would then
   * receive the token.
   */
  #assertOnApi(url: string, path: string): void {
    const api = new URL(this.#options.apiBaseUrl).origin;
    const origin = URL.canParse(url) ? new URL(url).origin : url;
    if (origin !== api) {
      throw new Error(
        `GitHub answered ${path} with a next page at ${origin}, not at the configured API ${api}; stopped so that its token is not sent there`,
      );
    }
  }

  async #getJson<T>(
    organization: string,
    path: string,
    signal: AbortSignal,
  ): Promise<T> {
    const { body } = await this.#request<T>(
      organization,
      this.#options.apiBaseUrl + path,
      signal,
    );
    return body;
  }

  async #request<T>(
    organization: string,
    url: string,
    signal: AbortSignal,
  ): Promise<{ body: T; headers: Headers }> {
    const path = url.slice(this.#options.apiBaseUrl.length);
    for (let attempt = 0; ; attempt++) {
      // A signal per request, so the run's signal does not collect a listener per call.
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let wait: number | undefined;
      try {
        const response = await this.#fetch(url, {
          headers: {
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            ...(await this.#options.getHeaders(organization)),
          },
          signal: controller.signal,
        });
        if (response.ok) {
          return {
            body: (await response.json()) as T,
            headers: response.headers,
          };
        }
        wait = rateLimitWaitMs(response);
        const detail = await response.text().catch(() => '');
        if (wait === undefined || attempt >= MAX_RATE_LIMIT_RETRIES) {
          throw new GithubRequestError(response.status, path, detail);
        }
        if (wait > this.#options.maxRateLimitWaitMs) {
          throw new GithubRequestError(
            response.status,
            path,
            `rate limited for ${Math.ceil(wait / 1000)} s, longer than the ${Math.ceil(this.#options.maxRateLimitWaitMs / 1000)} s the ingestor waits`,
          );
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      this.#options.logger.warn(
        `GitHub rate limit reached; waiting ${Math.ceil(wait / 1000)} s`,
      );
      await sleep(wait, signal);
    }
  }
}

/** How long a rate-limited answer asks us to wait, or `undefined` if it is no rate limit. */
export function rateLimitWaitMs(
  response: Response,
  now = Date.now(),
): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset') ?? NaN);
    // One extra second: the reset is in whole seconds and clocks drift.
    return Number.isFinite(reset)
      ? Math.max(0, reset * 1000 - now) + 1000
      : 60_000;
  }
  return undefined;
}

/** The `rel="next"` URL of a `Link` header. */
export function nextLink(link: string | null): string | undefined {
  for (const part of link?.split(',') ?? []) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
