import type { JsonObject } from '@backstage/types';
import { ProviderError } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { startAzureOpenAiTestServer } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  apiKey,
  providerFor,
  useAzureTestServer,
} from './__testUtils__/azureAiTestServer';

const azure = useAzureTestServer();

describe('the reachability probe', () => {
  const probeOf = async (entry: JsonObject) =>
    (await providerFor([entry]).getModels())[0].probe;

  it('asks an Azure OpenAI resource for its model list with the key, the GA API version and no tokens', async () => {
    const probe = await probeOf({
      endpoint: `${azure().endpoint}/openai/deployments/gpt-4o/chat/completions?api-version=2024-08-01-preview`,
      modelName: 'gpt-4o',
    });
    await expect(probe!()).resolves.toBeUndefined();
    expect(azure().requests).toHaveLength(1);
    const [request] = azure().requests;
    expect(`${request.method} ${request.path}`).toBe('GET /openai/models');
    expect(request.query).toEqual({ 'api-version': '2024-10-21' });
    expect(request.headers['api-key']).toBe(apiKey);
  });

  it('asks an OpenAI-compatible endpoint for /models with the key as a bearer token', async () => {
    const probe = await probeOf({
      endpoint: `${azure().endpoint}/openai/v1`,
      modelName: 'gpt-4o-mini',
    });
    await expect(probe!()).resolves.toBeUndefined();
    const [request] = azure().requests;
    expect(`${request.method} ${request.path}`).toBe('GET /openai/v1/models');
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request.query).toEqual({});
  });

  it('has no probe for the model inference endpoint, which offers no token-free request for every deployment', async () => {
    expect(
      await probeOf({
        endpoint: `${azure().endpoint}/models`,
        modelName: 'DeepSeek-R1',
      }),
    ).toBeUndefined();
  });

  it('fails once with a credentials error that does not show the key when the key is wrong', async () => {
    const wrongKey = 'wrong-azure-key-9876543210';
    const probe = await probeOf({
      endpoint: azure().endpoint,
      modelName: 'gpt-4o',
      apiKey: wrongKey,
    });
    const error = await probe!().catch(e => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      `Azure AI model gpt-4o at ${azure().endpoint}/openai/models failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
    );
    expect(JSON.stringify([error.message, error.stack])).not.toContain(
      wrongKey,
    );
    expect(azure().requests).toHaveLength(1);
  });

  it('fails at once, without retrying, when nothing listens or the service errs', async () => {
    const gone = await startAzureOpenAiTestServer();
    const goneUrl = gone.endpoint;
    await gone.close();
    const down = await probeOf({ endpoint: goneUrl, modelName: 'gpt-4o' });
    await expect(down!()).rejects.toThrow(
      `Azure AI model gpt-4o at ${goneUrl}/openai/models failed: cannot reach the server (ECONNREFUSED); check the endpoint in the config`,
    );

    azure().failNext(503);
    const busy = await probeOf({
      endpoint: azure().endpoint,
      modelName: 'gpt-4o',
    });
    await expect(busy!()).rejects.toThrow(
      'failed: HTTP 503: The service is temporarily unable to process your request.',
    );
    expect(azure().requests).toHaveLength(1);
  });

  it('cannot tell a missing deployment: Azure lists base models, not deployments', async () => {
    // Documents the limit: a deployment that does not exist still probes fine; the first
    // question reports it (DeploymentNotFound) and the circuit breaker takes over.
    const probe = await probeOf({
      endpoint: azure().endpoint,
      modelName: 'no-such-deployment',
    });
    await expect(probe!()).resolves.toBeUndefined();
  });
});
