import type { Config } from '@backstage/config';

/** Where Ollama listens when `baseUrl` is not configured. */
export const DEFAULT_OLLAMA_BASE_URL = 'http://localhost:11434';

/**
 * The settings of `aiAssistant.models.ollama`.
 *
 * @public
 */
export interface OllamaModelsConfig {
  /** Base URL of the Ollama server, e.g. `http://localhost:11434` or `https://host/ollama`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
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
  const ollama = config.getConfig('aiAssistant.models.ollama');
  const baseUrl =
    ollama.getOptionalString('baseUrl') || DEFAULT_OLLAMA_BASE_URL;
  if (!isHttpUrl(baseUrl)) {
    throw new Error(
      `Invalid config at 'aiAssistant.models.ollama.baseUrl': expected an http(s) URL such as ${DEFAULT_OLLAMA_BASE_URL}`,
    );
  }
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
  return {
    baseUrl,
    // `${OLLAMA_API_KEY}` of an unset variable can come through as an empty string
    apiKey: ollama.getOptionalString('apiKey') || undefined,
    models,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The URL without user name and password, for logs. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}
