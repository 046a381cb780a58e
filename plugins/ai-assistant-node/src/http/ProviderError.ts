/**
 * An error from a model or embeddings provider that says which provider and model failed and
 * why, in words an admin can act on. Its message never contains credentials.
 *
 * @public
 */
export class ProviderError extends Error {
  /** HTTP status of the provider's answer, when there was one. */
  readonly status?: number;

  constructor(options: {
    provider: string;
    model?: string;
    /** Where the provider was called, without credentials or query string. */
    url?: string;
    status?: number;
    cause: unknown;
    /** Values that must never appear in the message, e.g. API keys. */
    secrets?: Array<string | undefined>;
  }) {
    const { provider, model, url, status } = options;
    const where = [model && `model ${model}`, url && `at ${url}`]
      .filter(Boolean)
      .join(' ');
    const reason = redact(
      describeCause(options.cause, status),
      options.secrets,
    );
    super(`${provider}${where ? ` ${where}` : ''} failed: ${reason}`);
    this.name = 'ProviderError';
    this.status = status;
  }
}

function describeCause(cause: unknown, status?: number): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (status === 401 || status === 403) {
    return `the provider rejected the credentials (HTTP ${status}); check the API key in the config`;
  }
  if (status === 404) {
    return `not found (HTTP 404); check the endpoint, deployment or model name in the config`;
  }
  return status ? `HTTP ${status}: ${message}` : message;
}

/** Removes secrets from a text, so that errors and logs can be shown safely. */
export function redact(
  text: string,
  secrets: Array<string | undefined> = [],
): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      result = result.split(secret).join('[redacted]');
    }
  }
  return result;
}
