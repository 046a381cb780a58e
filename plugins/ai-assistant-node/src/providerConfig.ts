import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';

/**
 * The services a provider class's `static fromConfig(config, deps)` gets besides the root
 * config. Every embeddings and model provider of the AI assistant's modules is built that
 * way, so that a module file is only the wiring: is the provider configured, then
 * `fromConfig`, then register.
 *
 * @public
 */
export interface ProviderDeps {
  /** For the line at startup that says what the provider talks to; never a secret. */
  logger: LoggerService;
}

/**
 * Where a self-hosted provider listens and the key it may want, as read by
 * {@link readProviderConnection}.
 *
 * @public
 */
export interface ProviderConnection {
  /** Base URL of the provider's server, e.g. `http://localhost:11434`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
}

/**
 * Reads `baseUrl` and `apiKey` of the provider's config block at `path`, e.g.
 * `aiAssistant.models.ollama`. A missing `baseUrl` is `defaultBaseUrl`; one that is not an
 * http(s) URL throws an error naming the key. An empty `apiKey`, as `${VAR}` of an unset
 * variable can give, counts as none.
 *
 * @public
 */
export function readProviderConnection(
  config: Config,
  path: string,
  options: { defaultBaseUrl: string },
): ProviderConnection {
  const block = config.getConfig(path);
  const baseUrl = block.getOptionalString('baseUrl') || options.defaultBaseUrl;
  if (!isHttpUrl(baseUrl)) {
    throw new Error(
      `Invalid config at '${path}.baseUrl': expected an http(s) URL such as ${options.defaultBaseUrl}`,
    );
  }
  return { baseUrl, apiKey: block.getOptionalString('apiKey') || undefined };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * The URL without user name, password and trailing slash, for logs.
 *
 * @public
 */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}
