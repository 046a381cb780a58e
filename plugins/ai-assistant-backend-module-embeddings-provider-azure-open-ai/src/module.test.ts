import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import { AzureOpenAIEmbeddings } from '@langchain/openai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  EmbeddingsProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  AzureOpenAiTestServer,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { aiAssistantModuleAzureOpenAiEmbeddingsProvider } from './module';

// The `aiAssistant` part of "Minimum production configuration" in the deployment guide, verbatim.
const guideConfig = `
aiAssistant:
  prompt:
    identity: |
      You are an AI assistant for [Company Name].
      Answer questions using provided context.

  embeddings:
    azureOpenAi:
      deploymentName: text-embedding-3-large
      instanceName: \${AZURE_REGION}
      apiKey: \${AZURE_OPENAI_API_KEY}
      endpoint: \${AZURE_OPENAI_ENDPOINT}
      openAIApiVersion: 2024-12-01-preview

  models:
    azureAi:
      apiKey: \${AZURE_AI_API_KEY}
      models:
        - endpoint: \${AZURE_AI_ENDPOINT}
          modelName: gpt-4o

  storage:
    pgVector:
      chunkSize: 800
      amount: 15

  ingestion:
    schedule:
      frequency:
        days: 1
      timeout:
        hours: 2
`;

// "Secrets Management, Option 1: Environment Variables" in the guide, verbatim.
const guideSecretsConfig = `
aiAssistant:
  embeddings:
    azureOpenAi:
      apiKey: \${AZURE_OPENAI_API_KEY}
      endpoint: \${AZURE_OPENAI_ENDPOINT}
`;

const apiKey = 'module-test-key-9f8e7d6c5b4a';

/** Loads YAML the way a Backstage backend does, with `${VAR}` substitution. */
async function loadConfig(yaml: string, env: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'azure-openai-config-'));
  try {
    const path = join(dir, 'app-config.production.yaml');
    await writeFile(path, yaml);
    const source = FileConfigSource.create({
      path,
      watch: false,
      substitutionFunc: async name => env[name],
    });
    const config = await ConfigSources.toConfig(source);
    const data = config.get();
    config.close();
    return data as any;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function start(data: any) {
  const setEmbeddingsProvider = jest.fn();
  const logger = mockServices.logger.mock();
  const backend = await startTestBackend({
    extensionPoints: [
      [aiAssistantEmbeddingsProviderExtensionPoint, { setEmbeddingsProvider }],
    ],
    features: [
      aiAssistantModuleAzureOpenAiEmbeddingsProvider,
      mockServices.rootConfig.factory({ data }),
      logger.factory,
    ],
  });
  await backend.stop();
  return { setEmbeddingsProvider, logger };
}

describe('aiAssistantModuleAzureOpenAiEmbeddingsProvider', () => {
  let azure: AzureOpenAiTestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    azure = await startAzureOpenAiTestServer({ apiKey });
    env = {
      AZURE_REGION: 'eastus',
      AZURE_OPENAI_API_KEY: apiKey,
      AZURE_OPENAI_ENDPOINT: azure.endpoint,
      AZURE_AI_API_KEY: 'another-key',
      AZURE_AI_ENDPOINT: azure.endpoint,
    };
  });
  afterAll(() => azure.close());

  it("starts with the guide's production config and registers a working provider", async () => {
    const { setEmbeddingsProvider, logger } = await start(
      await loadConfig(guideConfig, env),
    );

    expect(setEmbeddingsProvider).toHaveBeenCalledTimes(1);
    const provider: EmbeddingsProvider = setEmbeddingsProvider.mock.calls[0][0];
    expect(provider).toEqual({
      id: 'azureOpenAi',
      model: 'text-embedding-3-large',
      embeddings: expect.any(AzureOpenAIEmbeddings),
    });

    azure.requests.length = 0;
    await expect(provider.embeddings.embedQuery('hello')).resolves.toHaveLength(
      3072,
    );
    expect(azure.requests[0]).toMatchObject({
      path: '/openai/deployments/text-embedding-3-large/embeddings',
      query: { 'api-version': '2024-12-01-preview' },
      headers: { 'api-key': apiKey },
    });
    expect(
      JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls]),
    ).not.toContain(apiKey);
    expect(logger.info).toHaveBeenCalledWith(
      `Azure OpenAI embeddings: deployment text-embedding-3-large at ${azure.endpoint}, API version 2024-12-01-preview, 512 inputs per request`,
    );
  });

  it("starts with the guide's environment-variable secrets block alone", async () => {
    const { setEmbeddingsProvider } = await start(
      await loadConfig(guideSecretsConfig, env),
    );
    const provider: EmbeddingsProvider = setEmbeddingsProvider.mock.calls[0][0];
    expect(provider.model).toBe('text-embedding-3-large');

    azure.requests.length = 0;
    await provider.embeddings.embedDocuments(['a', 'b']);
    expect(azure.requests[0]).toMatchObject({
      path: '/openai/deployments/text-embedding-3-large/embeddings',
      query: { 'api-version': '2024-10-21' },
    });
  });

  it('registers only when selected', async () => {
    const data = await loadConfig(guideConfig, env);
    const none = await start({});
    expect(none.setEmbeddingsProvider).not.toHaveBeenCalled();
    const other = await start({
      aiAssistant: {
        ...data.aiAssistant,
        embeddings: { ...data.aiAssistant.embeddings, provider: 'ollama' },
      },
    });
    expect(other.setEmbeddingsProvider).not.toHaveBeenCalled();
    const named = await start({
      aiAssistant: {
        ...data.aiAssistant,
        embeddings: { ...data.aiAssistant.embeddings, provider: 'azureOpenAi' },
      },
    });
    expect(named.setEmbeddingsProvider).toHaveBeenCalledTimes(1);
  });

  it('fails startup with a message naming a missing key', async () => {
    await expect(
      start({
        aiAssistant: {
          embeddings: { azureOpenAi: { endpoint: azure.endpoint } },
        },
      }),
    ).rejects.toThrow(
      "Missing required config value at 'aiAssistant.embeddings.azureOpenAi.apiKey'",
    );
  });
});
