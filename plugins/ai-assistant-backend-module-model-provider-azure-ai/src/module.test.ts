import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  aiAssistantModelProviderExtensionPoint,
  ModelProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  AzureOpenAiTestServer,
  deploymentGuideProductionConfig,
  loadTestConfig,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { aiAssistantModuleAzureAiModelProvider } from './module';

const apiKey = 'module-test-key-1a2b3c4d5e6f';

async function start(data: any) {
  const addModelProvider = jest.fn();
  const logger = mockServices.logger.mock();
  const backend = await startTestBackend({
    extensionPoints: [
      [aiAssistantModelProviderExtensionPoint, { addModelProvider }],
    ],
    features: [
      aiAssistantModuleAzureAiModelProvider,
      mockServices.rootConfig.factory({ data }),
      logger.factory,
    ],
  });
  await backend.stop();
  return { addModelProvider, logger };
}

describe('aiAssistantModuleAzureAiModelProvider', () => {
  let azure: AzureOpenAiTestServer;
  beforeAll(async () => {
    azure = await startAzureOpenAiTestServer({ apiKey });
  });
  afterAll(() => azure.close());

  it("starts with the guide's production config and adds a provider whose model answers", async () => {
    const data = await loadTestConfig(deploymentGuideProductionConfig, {
      AZURE_REGION: 'eastus',
      AZURE_OPENAI_API_KEY: 'embeddings-key',
      AZURE_OPENAI_ENDPOINT: azure.endpoint,
      AZURE_AI_API_KEY: apiKey,
      AZURE_AI_ENDPOINT: azure.endpoint,
    });
    const { addModelProvider, logger } = await start(data);

    expect(addModelProvider).toHaveBeenCalledTimes(1);
    const provider: ModelProvider = addModelProvider.mock.calls[0][0];
    expect(provider.id).toBe('azureAi');
    const models = await provider.getModels();
    expect(models.map(m => [m.id, m.displayName])).toEqual([
      ['azureAi/gpt-4o', 'gpt-4o (Azure AI)'],
    ]);

    azure.scriptChat({ text: 'Hello from gpt-4o' });
    const answer = await models[0].chatModel.invoke('Hello?');
    expect(answer.text).toBe('Hello from gpt-4o');
    expect(azure.requests.at(-1)).toMatchObject({
      path: '/openai/deployments/gpt-4o/chat/completions',
      query: { 'api-version': '2024-10-21' },
      headers: { 'api-key': apiKey },
    });
    expect(logger.info).toHaveBeenCalledWith(
      `Azure AI model gpt-4o: deployment gpt-4o at ${azure.endpoint}, API version 2024-10-21`,
    );
    expect(
      JSON.stringify([logger.info.mock.calls, logger.warn.mock.calls]),
    ).not.toContain(apiKey);
  });

  it('adds nothing without an azureAi block', async () => {
    const { addModelProvider } = await start({
      aiAssistant: { models: { ollama: { models: ['llama3'] } } },
    });
    expect(addModelProvider).not.toHaveBeenCalled();
  });

  it('fails startup with a message naming a missing key', async () => {
    await expect(
      start({
        aiAssistant: {
          models: {
            azureAi: {
              models: [{ endpoint: azure.endpoint, modelName: 'gpt-4o' }],
            },
          },
        },
      }),
    ).rejects.toThrow(
      "Missing required config value at 'aiAssistant.models.azureAi.apiKey'",
    );
  });
});
