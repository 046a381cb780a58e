import { createOriginBoundFetch } from './createOriginBoundFetch';

/**
 * Options of {@link createRetryingFetch}.
 *
 * @public
 */
export interface RetryingFetchOptions {
  /** Retries after the first attempt. Default: 3. */
  maxRetries?: number;
  /** Time to wait for response headers per attempt, in milliseconds. Default: 60,000. */
  timeoutMs?: number;
  /** First backoff delay when the provider gives no Retry-After, in milliseconds. Default: 500. */
  baseDelayMs?: number;
  /** Longest wait between attempts, in milliseconds. Default: 30,000. */
  maxDelayMs?: number;
  /**
   * The fetch to wrap. Default: the global fetch. Redirects are followed around it, never by
   * it, so that credentials stay on their origin.
   */
  fetch?: typeof fetch;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * A fetch for provider clients that retries rate limits (429) and server errors (5xx) with
 * exponential backoff, honouring `Retry-After` / `retry-after-ms`, and gives up waiting for
 * response headers after a timeout. Streamed bodies are not cut by the timeout. A request the
 * caller aborts is never retried. A redirect to another origin is followed without the caller's
 * credential headers (`Authorization`, `api-key`…): a key is meant for the host it was configured
 * for, not for whichever host that one points to.
 *
 * @public
 */
export function createRetryingFetch(
  options: RetryingFetchOptions = {},
): typeof fetch {
  const {
    maxRetries = 3,
    timeoutMs = 60_000,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
  } = options;
  const inner = createOriginBoundFetch(options.fetch);

  return async (input, init) => {
    const callerSignal = init?.signal ?? undefined;
    for (let attempt = 0; ; attempt++) {
      // The timeout only covers waiting for headers; a streamed body may take longer.
      const headerTimeout = new AbortController();
      const timer = setTimeout(
        () =>
          headerTimeout.abort(new Error(`no response within ${timeoutMs} ms`)),
        timeoutMs,
      );
      // AbortSignal.any links the caller's signal without leaving a listener on it per request.
      const signal = callerSignal
        ? AbortSignal.any([callerSignal, headerTimeout.signal])
        : headerTimeout.signal;
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await inner(input, { ...init, signal });
      } catch (error) {
        failure =
          headerTimeout.signal.aborted && !callerSignal?.aborted
            ? headerTimeout.signal.reason
            : error;
      } finally {
        clearTimeout(timer);
      }
      if (callerSignal?.aborted) {
        throw callerSignal.reason ?? new Error('aborted');
      }
      const retryable = response ? RETRYABLE_STATUS.has(response.status) : true;
      if (!retryable || attempt >= maxRetries) {
        if (response) return response;
        throw failure;
      }
      const delay = Math.min(
        maxDelayMs,
        (response && retryAfterMs(response.headers)) ??
          baseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5),
      );
      await response?.body?.cancel().catch(() => {});
      await sleep(delay, callerSignal);
    }
  };
}

/**
 * The wait a provider asks for, from `retry-after-ms` or `Retry-After` (seconds or a date).
 *
 * @public
 */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) {
    return ms;
  }
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
