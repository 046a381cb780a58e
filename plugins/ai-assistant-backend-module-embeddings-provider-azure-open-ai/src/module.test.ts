import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AzureOpenAIEmbeddings } from '@langchain/openai';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  EmbeddingsProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  AzureOpenAiTestServer,
  deploymentGuideProductionConfig,
  loadTestConfig,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { aiAssistantModuleAzureOpenAiEmbeddingsProvider } from './module';

// "Secrets Management, Option 1: Environment Variables" in the guide, verbatim.
const guideSecretsConfig = `
aiAssistant:
  embeddings:
    azureOpenAi:
      apiKey: \${AZURE_OPENAI_API_KEY}
      endpoint: \${AZURE_OPENAI_ENDPOINT}
`;

const apiKey = 'module-test-key-9f8e7d6c5b4a';

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
      await loadTestConfig(deploymentGuideProductionConfig, env),
    );

    expect(setEmbeddingsProvider).toHaveBeenCalledTimes(1);
    const provider: EmbeddingsProvider = setEmbeddingsProvider.mock.calls[0][0];
    expect(provider).toMatchObject({
      id: 'azureOpenAi',
      model: 'text-embedding-3-large',
      embeddings: expect.any(AzureOpenAIEmbeddings),
      embedDocumentsFloat32: expect.any(Function),
    });
    expect(provider.dimensions).toBeUndefined();

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
      await loadTestConfig(guideSecretsConfig, env),
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
    const data = await loadTestConfig(deploymentGuideProductionConfig, env);
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
