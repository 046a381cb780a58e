import type { Config } from '@backstage/config';
import {
  type ProviderConnection,
  readProviderConnection,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** Where Ollama listens when `baseUrl` is not configured. */
export const DEFAULT_OLLAMA_BASE_URL = 'http://localhost:11434';

/**
 * The settings of `aiAssistant.embeddings.ollama`.
 *
 * @public
 */
export interface OllamaEmbeddingsConfig extends ProviderConnection {
  /** Embedding model, as Ollama names it, e.g. `nomic-embed-text`. */
  model: string;
}

/**
 * Reads `aiAssistant.embeddings.ollama`. Throws Backstage's config error, naming the key, when
 * `model` is missing.
 *
 * @public
 */
export function readOllamaEmbeddingsConfig(
  config: Config,
): OllamaEmbeddingsConfig {
  const { baseUrl, apiKey } = readProviderConnection(
    config,
    'aiAssistant.embeddings.ollama',
    { defaultBaseUrl: DEFAULT_OLLAMA_BASE_URL },
  );
  const ollama = config.getConfig('aiAssistant.embeddings.ollama');
  return {
    baseUrl,
    model: ollama.getString('model'),
    apiKey,
  };
}
