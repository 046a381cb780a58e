import type { Config } from '@backstage/config';
import {
  type ProviderConnection,
  readProviderConnection,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** Where Ollama listens when `baseUrl` is not configured. */
export const DEFAULT_OLLAMA_BASE_URL = 'http://localhost:11434';

/**
 * The settings of `aiAssistant.models.ollama`.
 *
 * @public
 */
export interface OllamaModelsConfig extends ProviderConnection {
  /** Chat models as Ollama names them, in order of preference, e.g. `llama3.1`. */
  models: string[];
}

/**
 * Reads `aiAssistant.models.ollama`. Throws an error naming the key when `models` is missing,
 * empty or repeats a model.
 *
 * @public
 */
export function readOllamaModelsConfig(config: Config): OllamaModelsConfig {
  const { baseUrl, apiKey } = readProviderConnection(
    config,
    'aiAssistant.models.ollama',
    { defaultBaseUrl: DEFAULT_OLLAMA_BASE_URL },
  );
  const ollama = config.getConfig('aiAssistant.models.ollama');
  const models = ollama.getStringArray('models').map(model => model.trim());
  if (models.length === 0 || models.some(model => model === '')) {
    throw new Error(
      `Invalid config at 'aiAssistant.models.ollama.models': list at least one model name, e.g. [llama3.1]`,
    );
  }
  const repeated = models.find((model, i) => models.indexOf(model) !== i);
  if (repeated) {
    throw new Error(
      `Invalid config at 'aiAssistant.models.ollama.models': ${repeated} is listed twice`,
    );
  }
  return { baseUrl, apiKey, models };
}
