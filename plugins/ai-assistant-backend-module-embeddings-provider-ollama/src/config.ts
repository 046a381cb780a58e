import type { Config } from '@backstage/config';

/** Where Ollama listens when `baseUrl` is not configured. */
export const DEFAULT_OLLAMA_BASE_URL = 'http://localhost:11434';

/**
 * The settings of `aiAssistant.embeddings.ollama`.
 *
 * @public
 */
export interface OllamaEmbeddingsConfig {
  /** Base URL of the Ollama server, e.g. `http://localhost:11434` or `https://host/ollama`. */
  baseUrl: string;
  /** Embedding model, as Ollama names it, e.g. `nomic-embed-text`. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
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
  const ollama = config.getConfig('aiAssistant.embeddings.ollama');
  const baseUrl =
    ollama.getOptionalString('baseUrl') || DEFAULT_OLLAMA_BASE_URL;
  if (!isHttpUrl(baseUrl)) {
    throw new Error(
      `Invalid config at 'aiAssistant.embeddings.ollama.baseUrl': expected an http(s) URL such as ${DEFAULT_OLLAMA_BASE_URL}`,
    );
  }
  return {
    baseUrl,
    model: ollama.getString('model'),
    // `${OLLAMA_API_KEY}` of an unset variable can come through as an empty string
    apiKey: ollama.getOptionalString('apiKey') || undefined,
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
