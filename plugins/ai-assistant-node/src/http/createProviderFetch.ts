import {
  createRetryingFetch,
  RetryingFetchOptions,
} from './createRetryingFetch';
import { ProviderError } from './ProviderError';

/**
 * Options of {@link createProviderFetch}.
 *
 * @public
 */
export interface ProviderFetchOptions {
  /** The provider's name as an admin knows it, e.g. `Ollama`. */
  provider: string;
  /** The model or deployment the requests are for. */
  model?: string;
  /**
   * Values that must never appear in an error, e.g. the API key. A password in the request URL
   * is always hidden too.
   */
  secrets?: Array<string | undefined>;
  /** Retries and timeout of each request. Default: those of {@link createRetryingFetch}. */
  retry?: RetryingFetchOptions;
  /**
   * What to check when the server cannot be reached at all. Default:
   * `check baseUrl and that <provider> is running`.
   */
  unreachableHint?: string;
}

/**
 * A fetch for a provider's HTTP client that retries rate limits and server errors (see
 * {@link createRetryingFetch}) and turns every failure into one {@link ProviderError} naming the
 * provider, the model and the endpoint but never a secret:
 *
 * - an answer that is not OK, with the provider's own detail read from an `{"error": "..."}` or
 *   `{"error": {"message": "..."}}` body, or else the start of the body;
 * - a server that cannot be reached, with a hint on what to check;
 * - an `{"error": ...}` line in a streamed NDJSON answer (`application/x-ndjson`), which fails
 *   the stream, as when a model runner crashes in the middle of an answer.
 *
 * A request the caller aborts fails with the caller's reason, not a `ProviderError`. Failing in
 * the fetch, before the client reads the answer, also keeps clients that log to the console
 * (like `ollama`'s) out of the backend's logs.
 *
 * @public
 */
export function createProviderFetch(
  options: ProviderFetchOptions,
): typeof fetch {
  const retrying = createRetryingFetch(options.retry);
  const hint =
    options.unreachableHint ??
    `check baseUrl and that ${options.provider} is running`;

  return async (input, init) => {
    const target = new URL(
      input instanceof Request ? input.url : String(input),
    );
    const signal = init?.signal ?? undefined;
    const fail = (cause: unknown, status?: number) =>
      new ProviderError({
        provider: options.provider,
        model: options.model,
        url: `${target.origin}${target.pathname}`,
        status,
        cause,
        secrets: [
          ...(options.secrets ?? []),
          target.password && decodeURIComponent(target.password),
        ],
      });
    const describe = (error: unknown) =>
      signal?.aborted ? error : fail(describeNetworkError(error, hint));

    let response: Response;
    try {
      response = await retrying(input, init);
    } catch (error) {
      throw describe(error);
    }
    if (!response.ok) {
      throw fail(new Error(await readErrorDetail(response)), response.status);
    }
    if (
      response.body &&
      response.headers.get('content-type')?.includes('ndjson')
    ) {
      return new Response(guardNdjsonStream(response.body, fail, describe), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    return response;
  };
}

/**
 * Passes a streamed NDJSON answer through, but fails it with a `ProviderError` when a line is an
 * `{"error": ...}` or the connection breaks.
 */
function guardNdjsonStream(
  body: ReadableStream<Uint8Array>,
  fail: (cause: unknown) => ProviderError,
  describe: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        controller.error(describe(error));
        return;
      }
      if (chunk.done) {
        controller.close();
        return;
      }
      const lines = (
        pending + decoder.decode(chunk.value, { stream: true })
      ).split('\n');
      pending = lines.pop() ?? '';
      const error = lines.map(errorOf).find(Boolean);
      if (error) {
        controller.error(fail(new Error(error)));
        await reader.cancel().catch(() => {});
        return;
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** The error a JSON text reports as `{"error": "..."}` or `{"error": {"message": "..."}}`. */
function errorOf(text: string): string | undefined {
  if (!text.includes('"error"')) {
    return undefined;
  }
  try {
    const { error } = JSON.parse(text);
    const message = typeof error === 'string' ? error : error?.message;
    return typeof message === 'string' && message ? message : undefined;
  } catch {
    return undefined;
  }
}

/** The provider's error detail; proxies in front of it may answer with text or HTML instead. */
async function readErrorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return (
    errorOf(text) ??
    (text.trim().slice(0, 200) || response.statusText || 'no details')
  );
}

function describeNetworkError(error: unknown, hint: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  if (
    cause?.code === 'ECONNREFUSED' ||
    cause?.code === 'ENOTFOUND' ||
    cause?.code === 'EAI_AGAIN'
  ) {
    return `cannot reach the server (${cause.code}); ${hint}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return cause?.message ? `${message}: ${cause.message}` : message;
}
