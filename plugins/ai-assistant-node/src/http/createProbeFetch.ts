import {
  createProviderFetch,
  ProviderFetchOptions,
} from './createProviderFetch';
import { ProviderError } from './ProviderError';

/**
 * How long a reachability probe waits for an answer by default, in milliseconds: long enough
 * for a TLS handshake with a cloud endpoint, short enough that a page waiting on it stays usable.
 *
 * @public
 */
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/**
 * Options of {@link createProbeFetch}.
 *
 * @public
 */
export interface ProbeFetchOptions extends Omit<ProviderFetchOptions, 'retry'> {
  /** Time to wait for the answer. Default: {@link DEFAULT_PROBE_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * The fetch for an {@link AiAssistantModel.probe}: a {@link createProviderFetch} that tries once
 * (a probe reports the state of now; retrying would only make the page wait) and gives up after
 * a few seconds. Failures are {@link ProviderError}s naming the provider, model and endpoint,
 * never a secret.
 *
 * @public
 */
export function createProbeFetch(options: ProbeFetchOptions): typeof fetch {
  const { timeoutMs = DEFAULT_PROBE_TIMEOUT_MS, ...rest } = options;
  return createProviderFetch({
    ...rest,
    retry: { maxRetries: 0, timeoutMs },
  });
}

/**
 * A probe's finding that the server answers but does not have the configured model, e.g. an
 * Ollama model that was never pulled. Its message lists what the server has, so that an admin
 * sees a typo at once.
 *
 * @public
 */
export class ModelNotFoundError extends ProviderError {
  constructor(options: {
    provider: string;
    model: string;
    /** Where the list was read, without credentials or query string. */
    url?: string;
    /** The names the server listed. */
    available: string[];
    /** What to do about it, e.g. `pull it with "ollama pull <model>"`. */
    hint: string;
  }) {
    const { available } = options;
    const listed = available.length
      ? `it has ${available.slice(0, 10).join(', ')}${available.length > 10 ? ', …' : ''}`
      : 'it has none';
    super({
      provider: options.provider,
      model: options.model,
      url: options.url,
      cause: `the server does not have this model (${listed}); ${options.hint}`,
    });
    this.name = 'ModelNotFoundError';
  }
}
