import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readAzureOpenAiEmbeddingsConfig } from './config';

function read(azureOpenAi: JsonObject) {
  return readAzureOpenAiEmbeddingsConfig(
    new ConfigReader({ aiAssistant: { embeddings: { azureOpenAi } } }),
  );
}

describe('readAzureOpenAiEmbeddingsConfig', () => {
  it("reads the guide's keys and fills in the defaults", () => {
    expect(
      read({
        deploymentName: 'text-embedding-3-large',
        instanceName: 'eastus',
        apiKey: 'key',
        endpoint: 'https://my-resource.openai.azure.com/',
        openAIApiVersion: '2024-12-01-preview',
      }),
    ).toEqual({
      deploymentName: 'text-embedding-3-large',
      endpoint: 'https://my-resource.openai.azure.com',
      apiKey: 'key',
      openAIApiVersion: '2024-12-01-preview',
      batchSize: 512,
      dimensions: undefined,
      maxRetries: 3,
      timeoutMs: 60_000,
    });
  });

  it('builds the endpoint from instanceName when there is no endpoint', () => {
    expect(read({ instanceName: 'my-resource', apiKey: 'key' })).toMatchObject({
      endpoint: 'https://my-resource.openai.azure.com',
      deploymentName: 'text-embedding-3-large',
      openAIApiVersion: '2024-10-21',
    });
  });

  it('takes the resource and deployment from a pasted target URI', () => {
    expect(
      read({
        apiKey: 'key',
        endpoint:
          'https://my-resource.openai.azure.com/openai/deployments/embed-small/embeddings?api-version=2023-05-15',
      }),
    ).toMatchObject({
      endpoint: 'https://my-resource.openai.azure.com',
      deploymentName: 'embed-small',
    });
  });

  it('reads the optional tuning keys', () => {
    expect(
      read({
        endpoint: 'https://x.openai.azure.com',
        apiKey: 'key',
        batchSize: 2048,
        dimensions: 256,
        maxRetries: 0,
        timeout: { seconds: 5 },
      }),
    ).toMatchObject({
      batchSize: 2048,
      dimensions: 256,
      maxRetries: 0,
      timeoutMs: 5000,
    });
  });

  it('rejects what Azure would reject, naming the key', () => {
    expect(() => read({ apiKey: 'key' })).toThrow(
      "Missing required config value at 'aiAssistant.embeddings.azureOpenAi.endpoint'",
    );
    expect(() => read({ endpoint: 'https://x.openai.azure.com' })).toThrow(
      "Missing required config value at 'aiAssistant.embeddings.azureOpenAi.apiKey'",
    );
    expect(() =>
      read({
        endpoint: 'https://x.openai.azure.com',
        apiKey: 'key',
        batchSize: 2049,
      }),
    ).toThrow(
      "Invalid config value at 'aiAssistant.embeddings.azureOpenAi.batchSize': 2049; Azure OpenAI takes 1 to 2048 inputs per request",
    );
    expect(() => read({ endpoint: 'my-resource', apiKey: 'key' })).toThrow(
      "Invalid config value at 'aiAssistant.embeddings.azureOpenAi.endpoint'",
    );
  });
});
