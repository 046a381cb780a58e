import type { Config } from '@backstage/config';
import {
  createProviderFetch,
  displayUrl,
  type EmbeddingsProvider,
  type ProviderDeps,
  type RetryingFetchOptions,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { OllamaEmbeddings } from '@langchain/ollama';
import {
  type OllamaEmbeddingsConfig,
  readOllamaEmbeddingsConfig,
} from './config';

/**
 * Options of {@link OllamaEmbeddingsProvider}.
 *
 * @public
 */
export interface OllamaEmbeddingsProviderOptions {
  /**
   * Retries and timeout of each request to Ollama. Default: 3 retries, and 5 minutes to answer,
   * because Ollama loads the model into memory on first use and embeds a batch before it replies.
   */
  retry?: RetryingFetchOptions;
}

/**
 * The `ollama` embeddings provider: LangChain's `OllamaEmbeddings` talking to Ollama's
 * `/api/embed`, with retries, a timeout and errors that never show the API key.
 *
 * @public
 */
export class OllamaEmbeddingsProvider implements EmbeddingsProvider {
  readonly id = 'ollama';
  readonly model: string;
  readonly embeddings: OllamaEmbeddings;

  /** Creates the provider from `aiAssistant.embeddings.ollama` and logs where it points. */
  static fromConfig(
    config: Config,
    deps: ProviderDeps,
  ): OllamaEmbeddingsProvider {
    const settings = readOllamaEmbeddingsConfig(config);
    const auth = settings.apiKey ? ' (with API key)' : '';
    deps.logger.info(
      `Embedding with Ollama model ${settings.model} at ${displayUrl(settings.baseUrl)}${auth}`,
    );
    return new OllamaEmbeddingsProvider(settings);
  }

  constructor(
    config: OllamaEmbeddingsConfig,
    options: OllamaEmbeddingsProviderOptions = {},
  ) {
    const { baseUrl, model, apiKey } = config;
    this.model = model;
    this.embeddings = new OllamaEmbeddings({
      baseUrl,
      model,
      headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : undefined,
      fetch: createProviderFetch({
        provider: 'Ollama',
        model,
        secrets: [apiKey],
        retry: { maxRetries: 3, timeoutMs: 300_000, ...options.retry },
      }),
      // Ollama's own default; LangChain's `false` would fail whole batches on one long chunk.
      truncate: true,
      // The fetch retries what is worth retrying; LangChain retrying too would multiply waits.
      maxRetries: 0,
    });
  }
}
