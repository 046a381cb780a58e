import type { Config } from '@backstage/config';
import {
  createProviderFetch,
  displayUrl,
  type AiAssistantModel,
  type ModelProvider,
  type ProviderDeps,
  type RetryingFetchOptions,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { type OllamaModelsConfig, readOllamaModelsConfig } from './config';
import { OllamaChatModel } from './OllamaChatModel';
import { createOllamaProbe } from './probeOllamaModel';

/**
 * Options of {@link OllamaModelProvider}.
 *
 * @public
 */
export interface OllamaModelProviderOptions {
  /**
   * Retries and timeout of each request to Ollama. Default: 3 retries, and 5 minutes until the
   * answer starts, because Ollama loads the model into memory and reads the whole prompt first.
   */
  retry?: RetryingFetchOptions;
  /** Time a reachability probe waits for `/api/tags`, in milliseconds. Default: 5,000. */
  probeTimeoutMs?: number;
}

/**
 * The `ollama` model provider: one LangChain `ChatOllama` per configured model, streaming from
 * Ollama's `/api/chat` with tool calling, retries, a timeout and errors that never show the API
 * key, and a probe through `/api/tags` that costs no tokens. Model ids are `ollama/<model>`.
 *
 * @public
 */
export class OllamaModelProvider implements ModelProvider {
  readonly id = 'ollama';
  readonly #models: AiAssistantModel[];

  /** Creates the provider from `aiAssistant.models.ollama` and logs where it points. */
  static fromConfig(config: Config, deps: ProviderDeps): OllamaModelProvider {
    const settings = readOllamaModelsConfig(config);
    const auth = settings.apiKey ? ' (with API key)' : '';
    deps.logger.info(
      `Chat models from Ollama at ${displayUrl(settings.baseUrl)}: ${settings.models.join(', ')}${auth}`,
    );
    return new OllamaModelProvider(settings);
  }

  constructor(
    config: OllamaModelsConfig,
    options: OllamaModelProviderOptions = {},
  ) {
    const { baseUrl, apiKey } = config;
    this.#models = config.models.map(model => ({
      id: `ollama/${model}`,
      displayName: `${model} (Ollama)`,
      chatModel: new OllamaChatModel({
        baseUrl,
        model,
        headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : undefined,
        fetch: createProviderFetch({
          provider: 'Ollama',
          model,
          secrets: [apiKey],
          retry: { maxRetries: 3, timeoutMs: 300_000, ...options.retry },
        }),
        // The fetch retries what is worth retrying; LangChain retrying too would multiply waits.
        maxRetries: 0,
      }),
      probe: createOllamaProbe({
        baseUrl,
        model,
        apiKey,
        timeoutMs: options.probeTimeoutMs,
      }),
    }));
  }

  async getModels(): Promise<AiAssistantModel[]> {
    return this.#models;
  }
}
