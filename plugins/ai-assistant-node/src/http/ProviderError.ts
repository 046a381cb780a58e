/**
 * An error from a model or embeddings provider that says which provider and model failed and
 * why, in words an admin can act on. Its message never contains credentials.
 *
 * @public
 */
export class ProviderError extends Error {
  /** HTTP status of the provider's answer, when there was one. */
  readonly status?: number;
  /**
   * How long the provider asked to wait before the next request (its `retry-after-ms` or
   * `Retry-After` header), when it said; callers that pace requests use it.
   */
  readonly retryAfterMs?: number;

  constructor(options: {
    provider: string;
    model?: string;
    /** Where the provider was called, without credentials or query string. */
    url?: string;
    status?: number;
    retryAfterMs?: number;
    cause: unknown;
    /** Values that must never appear in the message, e.g. API keys. */
    secrets?: Array<string | undefined>;
  }) {
    const { provider, model, url, status } = options;
    const where = [model && `model ${model}`, url && `at ${url}`]
      .filter(Boolean)
      .join(' ');
    const reason = redact(
      describeCause(options.cause, status),
      options.secrets,
    );
    super(`${provider}${where ? ` ${where}` : ''} failed: ${reason}`);
    this.name = 'ProviderError';
    this.status = status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /**
   * Turns an error an SDK client threw (such as the OpenAI SDK's `APIError`, which carries the
   * HTTP `status`) into a `ProviderError`, describing it by the first line of its message and of
   * its causes' messages, without an SDK's leading status code.
   */
  static fromClientError(
    error: unknown,
    options: {
      provider: string;
      model?: string;
      url?: string;
      secrets?: Array<string | undefined>;
    },
  ): ProviderError {
    const status = (error as { status?: unknown })?.status;
    return new ProviderError({
      ...options,
      status: typeof status === 'number' ? status : undefined,
      retryAfterMs: retryAfterMs(
        (error as { headers?: unknown } | null)?.headers,
      ),
      cause: new Error(describeErrorChain(error)),
    });
  }
}

/** The first line of an error's message and of its causes', without an SDK's status prefix. */
function describeErrorChain(error: unknown): string {
  const parts: string[] = [];
  for (
    let e: unknown = error;
    e && parts.length < 4;
    e = (e as { cause?: unknown }).cause
  ) {
    const message = e instanceof Error ? e.message : String(e);
    parts.push(
      message
        .split('\n')[0]
        .replace(/^\d{3}\s+/, '')
        .replace(/\.$/, ''),
    );
    if (!(e instanceof Error)) break;
  }
  return parts.filter(Boolean).join(': ') || 'unknown error';
}

/** Details that say no more than the status does, e.g. Azure's `Resource not found`. */
const GENERIC_NOT_FOUND =
  /^(?:(?:404\s*)?(?:(?:resource|page)\s+)?not\s+found\.?|no details)?$/i;

function describeCause(cause: unknown, status?: number): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (status === 401 || status === 403) {
    return `the provider rejected the credentials (HTTP ${status}); check the API key in the config`;
  }
  if (status === 404) {
    // Keep the provider's own words (Ollama's "model ... not found, try pulling it first")
    // unless they only repeat "not found".
    const detail = GENERIC_NOT_FOUND.test(message.trim()) ? '' : `: ${message}`;
    return `not found (HTTP 404)${detail}; check the endpoint, deployment or model name in the config`;
  }
  return status ? `HTTP ${status}: ${message}` : message;
}

/**
 * Removes secrets from a text, so that errors and logs can be shown safely.
 *
 * @public
 */
export function redact(
  text: string,
  secrets: Array<string | undefined> = [],
): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      result = result.split(secret).join('[redacted]');
    }
  }
  return result;
}

/** The wait an SDK error's response headers ask for (`Headers` or a plain record), if any. */
function retryAfterMs(headers: unknown): number | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const get = (name: string): string | undefined => {
    const value =
      typeof (headers as Headers).get === 'function'
        ? (headers as Headers).get(name)
        : (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  };
  const ms = Number(get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = get('retry-after');
  if (after === undefined) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
