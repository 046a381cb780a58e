import { ProviderError } from './ProviderError';

describe('ProviderError', () => {
  it("keeps a provider's own words about a 404 next to the config hint", () => {
    const error = new ProviderError({
      provider: 'Ollama',
      model: 'mistral',
      status: 404,
      cause: new Error('model "mistral" not found, try pulling it first'),
    });
    expect(error.message).toBe(
      'Ollama model mistral failed: not found (HTTP 404): model "mistral" not found, try pulling it first; check the endpoint, deployment or model name in the config',
    );
  });

  it('does not repeat a 404 detail that only says "not found"', () => {
    for (const detail of ['Resource not found', '404 page not found', '']) {
      expect(
        new ProviderError({ provider: 'Azure AI', status: 404, cause: detail })
          .message,
      ).toBe(
        'Azure AI failed: not found (HTTP 404); check the endpoint, deployment or model name in the config',
      );
    }
  });

  it('describes an SDK error by its status and the first lines of it and its causes, without the key', () => {
    const sdkError = Object.assign(
      new Error('429 Rate limit exceeded for key sk-secret-123.\nRetry later'),
      { status: 429 },
    );
    const error = ProviderError.fromClientError(sdkError, {
      provider: 'Azure OpenAI',
      model: 'gpt-4o',
      secrets: ['sk-secret-123'],
    });
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      'Azure OpenAI model gpt-4o failed: HTTP 429: Rate limit exceeded for key [redacted]',
    );

    const connection = new Error('Connection error.', {
      cause: new Error('getaddrinfo ENOTFOUND example.invalid'),
    });
    expect(
      ProviderError.fromClientError(connection, { provider: 'Azure AI' })
        .message,
    ).toBe(
      'Azure AI failed: Connection error: getaddrinfo ENOTFOUND example.invalid',
    );
  });
});
