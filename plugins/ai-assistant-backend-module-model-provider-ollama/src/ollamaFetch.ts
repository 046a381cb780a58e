import {
  createRetryingFetch,
  ProviderError,
  type RetryingFetchOptions,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * A fetch for the `ollama` client under `ChatOllama`: it retries rate limits and server errors,
 * gives up on a server that does not answer, and turns every failure, including an error Ollama
 * reports in the middle of a streamed answer, into one
 * {@link @ai-assistant/backstage-plugin-ai-assistant-node#ProviderError} that names Ollama, the
 * model and the endpoint but never the API key. Failing here, before the `ollama` client reads
 * the answer, also keeps its console logging out of the backend's logs.
 */
export function createOllamaFetch(options: {
  model: string;
  apiKey?: string;
  retry?: RetryingFetchOptions;
}): typeof fetch {
  const retrying = createRetryingFetch(options.retry);
  return async (input, init) => {
    const target = new URL(
      input instanceof Request ? input.url : String(input),
    );
    const fail = (cause: unknown, status?: number) =>
      new ProviderError({
        provider: 'Ollama',
        model: options.model,
        url: `${target.origin}${target.pathname}`,
        status,
        cause,
        secrets: [
          options.apiKey,
          target.password && decodeURIComponent(target.password),
        ],
      });
    const signal = init?.signal ?? undefined;

    let response: Response;
    try {
      response = await retrying(input, init);
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      throw fail(describeNetworkError(error));
    }
    if (!response.ok) {
      throw fail(new Error(await readErrorDetail(response)), response.status);
    }
    if (
      response.body &&
      response.headers.get('content-type')?.includes('ndjson')
    ) {
      return new Response(guardStream(response.body, fail, signal), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    return response;
  };
}

/**
 * Passes a streamed NDJSON answer through, but fails it with a `ProviderError` when Ollama sends
 * an `{"error": ...}` line (e.g. the model runner ran out of memory) or the connection breaks.
 */
function guardStream(
  body: ReadableStream<Uint8Array>,
  fail: (cause: unknown) => ProviderError,
  signal: AbortSignal | undefined,
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
        controller.error(
          signal?.aborted ? error : fail(describeNetworkError(error)),
        );
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

function errorOf(line: string): string | undefined {
  if (!line.includes('"error"')) {
    return undefined;
  }
  try {
    const { error } = JSON.parse(line);
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

/** Ollama answers errors as `{"error": "..."}`; proxies in front of it may send text or HTML. */
async function readErrorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return (
    errorOf(text) ??
    (text.trim().slice(0, 200) || response.statusText || 'no details')
  );
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  if (
    cause?.code === 'ECONNREFUSED' ||
    cause?.code === 'ENOTFOUND' ||
    cause?.code === 'EAI_AGAIN'
  ) {
    return `cannot reach the server (${cause.code}); check baseUrl and that Ollama is running`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return cause?.message ? `${message}: ${cause.message}` : message;
}
