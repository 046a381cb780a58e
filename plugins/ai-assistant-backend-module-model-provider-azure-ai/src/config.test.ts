import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readAzureAiModelsConfig } from './config';

function read(azureAi: JsonObject) {
  return readAzureAiModelsConfig(
    new ConfigReader({ aiAssistant: { models: { azureAi } } }),
  );
}

describe('readAzureAiModelsConfig', () => {
  it("reads the guide's block: a resource endpoint means the deployment named modelName", () => {
    expect(
      read({
        apiKey: 'key',
        models: [
          {
            endpoint: 'https://my-resource.openai.azure.com/',
            modelName: 'gpt-4o',
          },
        ],
      }),
    ).toEqual({
      models: [
        {
          modelName: 'gpt-4o',
          apiKey: 'key',
          target: {
            kind: 'deployment',
            endpoint: 'https://my-resource.openai.azure.com',
            deployment: 'gpt-4o',
            apiVersion: '2024-10-21',
          },
        },
      ],
      maxRetries: 3,
      timeoutMs: 120_000,
    });
  });

  it('understands each endpoint form', () => {
    const { models } = read({
      apiKey: 'key',
      openAIApiVersion: '2024-08-01-preview',
      models: [
        {
          endpoint: 'https://a.openai.azure.com/openai/deployments/prod-4o',
          modelName: 'gpt-4o',
        },
        {
          endpoint:
            'https://a.openai.azure.com/openai/deployments/mini/chat/completions?api-version=2025-01-01-preview',
          modelName: 'gpt-4o-mini',
        },
        { endpoint: 'https://a.openai.azure.com/openai', modelName: 'o3-mini' },
        {
          endpoint: 'https://a.openai.azure.com/openai/v1/',
          modelName: 'gpt-5-mini',
        },
        {
          endpoint: 'https://b.services.ai.azure.com/models',
          modelName: 'DeepSeek-R1',
        },
        {
          endpoint: 'https://c.services.ai.azure.com/models',
          modelName: 'Llama-3.3-70B',
          openAIApiVersion: '2025-05-01',
        },
      ],
    });
    expect(models.map(m => m.target)).toEqual([
      {
        kind: 'deployment',
        endpoint: 'https://a.openai.azure.com',
        deployment: 'prod-4o',
        apiVersion: '2024-08-01-preview',
      },
      {
        kind: 'deployment',
        endpoint: 'https://a.openai.azure.com',
        deployment: 'mini',
        apiVersion: '2025-01-01-preview',
      },
      {
        kind: 'deployment',
        endpoint: 'https://a.openai.azure.com',
        deployment: 'o3-mini',
        apiVersion: '2024-08-01-preview',
      },
      {
        kind: 'openAiCompatible',
        baseURL: 'https://a.openai.azure.com/openai/v1',
        apiVersion: undefined,
      },
      {
        kind: 'openAiCompatible',
        baseURL: 'https://b.services.ai.azure.com/models',
        apiVersion: '2024-05-01-preview',
      },
      {
        kind: 'openAiCompatible',
        baseURL: 'https://c.services.ai.azure.com/models',
        apiVersion: '2025-05-01',
      },
    ]);
  });

  it('lets a model bring its own key and reads the tuning keys', () => {
    const config = read({
      apiKey: 'shared',
      maxRetries: 0,
      timeout: { seconds: 30 },
      models: [
        { endpoint: 'https://a.openai.azure.com', modelName: 'gpt-4o' },
        {
          endpoint: 'https://b.openai.azure.com',
          modelName: 'gpt-4o-mini',
          apiKey: 'own',
        },
      ],
    });
    expect(config.models.map(m => m.apiKey)).toEqual(['shared', 'own']);
    expect(config).toMatchObject({ maxRetries: 0, timeoutMs: 30_000 });
  });

  it('rejects config it cannot use, naming the key', () => {
    expect(() => read({ apiKey: 'key', models: [] })).toThrow(
      "Missing required config value at 'aiAssistant.models.azureAi.models'",
    );
    expect(() =>
      read({
        models: [
          { endpoint: 'https://a.openai.azure.com', modelName: 'gpt-4o' },
        ],
      }),
    ).toThrow(
      "Missing required config value at 'aiAssistant.models.azureAi.apiKey'",
    );
    expect(() =>
      read({
        apiKey: 'key',
        models: [{ endpoint: 'a.openai.azure.com', modelName: 'gpt-4o' }],
      }),
    ).toThrow(
      "Invalid config value at 'aiAssistant.models.azureAi.models[0].endpoint'",
    );
    expect(() =>
      read({
        apiKey: 'key',
        models: [
          { endpoint: 'https://a.openai.azure.com', modelName: 'gpt-4o' },
          { endpoint: 'https://b.openai.azure.com', modelName: 'gpt-4o' },
        ],
      }),
    ).toThrow(
      "Invalid config value at 'aiAssistant.models.azureAi.models[1].modelName': 'gpt-4o' is listed twice",
    );
  });
});
