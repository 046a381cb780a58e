import {
  createRetryingFetch,
  ProviderError,
  type RetryingFetchOptions,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * A fetch for the `ollama` client under `OllamaEmbeddings`: it retries rate limits and server
 * errors, gives up on a server that does not answer, and turns every failure into one
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

    let response: Response;
    try {
      response = await retrying(input, init);
    } catch (error) {
      if (init?.signal?.aborted) {
        throw error;
      }
      throw fail(describeNetworkError(error));
    }
    if (!response.ok) {
      throw fail(new Error(await readErrorDetail(response)), response.status);
    }
    return response;
  };
}

/** Ollama answers errors as `{"error": "..."}`; proxies in front of it may send text or HTML. */
async function readErrorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text);
    if (typeof error === 'string' && error) {
      return error;
    }
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 200) || response.statusText || 'no details';
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
