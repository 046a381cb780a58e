import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import {
  aiAssistantModelProviderExtensionPoint,
  type ModelProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  captureConsole,
  startOllamaTestServer,
  type OllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { ChatOllama } from '@langchain/ollama';
import { aiAssistantModuleOllamaModelProvider } from './module';

const apiKey = 'ollama-module-key-e0c7a2';

async function startWithConfig(data: JsonObject) {
  const addModelProvider = jest.fn();
  const backend = await startTestBackend({
    extensionPoints: [
      [aiAssistantModelProviderExtensionPoint, { addModelProvider }],
    ],
    features: [
      aiAssistantModuleOllamaModelProvider,
      mockServices.rootConfig.factory({ data }),
      mockServices.rootLogger.factory({ level: 'info' }),
    ],
  });
  await backend.stop();
  return addModelProvider;
}

describe('aiAssistantModuleOllamaModelProvider', () => {
  let server: OllamaTestServer;
  const output = captureConsole();
  beforeAll(async () => {
    server = await startOllamaTestServer({ models: ['llama3.1', 'qwen2.5'] });
  });
  afterAll(() => server.close());

  it('adds the ollama provider from the guide’s config block, with one chat model per listed model', async () => {
    const addModelProvider = await startWithConfig({
      aiAssistant: {
        models: {
          ollama: {
            baseUrl: server.baseUrl,
            apiKey,
            models: ['llama3.1', 'qwen2.5'],
          },
        },
      },
    });

    expect(addModelProvider).toHaveBeenCalledTimes(1);
    const provider: ModelProvider = addModelProvider.mock.calls[0][0];
    expect(provider.id).toBe('ollama');
    const models = await provider.getModels();
    expect(models.map(m => [m.id, m.displayName])).toEqual([
      ['ollama/llama3.1', 'llama3.1 (Ollama)'],
      ['ollama/qwen2.5', 'qwen2.5 (Ollama)'],
    ]);
    expect(models[1].chatModel).toBeInstanceOf(ChatOllama);

    server.scriptChat({ text: 'Hello from qwen.' });
    await expect(models[1].chatModel.invoke('hi')).resolves.toMatchObject({
      text: 'Hello from qwen.',
    });
    expect(server.requests.at(-1)).toMatchObject({
      path: '/api/chat',
      headers: { authorization: `Bearer ${apiKey}` },
      body: { model: 'qwen2.5', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(output().join('\n')).toContain(
      `Chat models from Ollama at ${server.baseUrl}: llama3.1, qwen2.5 (with API key)`,
    );
    expect(output().join('\n')).not.toContain(apiKey);
  });

  it('defaults the base URL to http://localhost:11434 and needs no API key', async () => {
    const addModelProvider = await startWithConfig({
      aiAssistant: { models: { ollama: { models: ['llama3.1'] } } },
    });
    const [model] = await (
      addModelProvider.mock.calls[0][0] as ModelProvider
    ).getModels();
    expect((model.chatModel as ChatOllama).baseUrl).toBe(
      'http://localhost:11434',
    );
    expect(output().join('\n')).toContain(
      'Chat models from Ollama at http://localhost:11434: llama3.1',
    );
  });

  it('does not add a provider without an ollama block', async () => {
    await expect(startWithConfig({})).resolves.not.toHaveBeenCalled();
    await expect(
      startWithConfig({
        aiAssistant: { models: { azureAi: { apiKey: 'x', models: [] } } },
      }),
    ).resolves.not.toHaveBeenCalled();
  });

  it('fails startup naming the key when no models are listed', async () => {
    await expect(
      startWithConfig({
        aiAssistant: { models: { ollama: { baseUrl: server.baseUrl } } },
      }),
    ).rejects.toThrow(
      "Missing required config value at 'aiAssistant.models.ollama.models'",
    );
    await expect(
      startWithConfig({ aiAssistant: { models: { ollama: { models: [] } } } }),
    ).rejects.toThrow("Invalid config at 'aiAssistant.models.ollama.models'");
    await expect(
      startWithConfig({
        aiAssistant: {
          models: { ollama: { models: ['llama3.1', 'llama3.1'] } },
        },
      }),
    ).rejects.toThrow(
      "Invalid config at 'aiAssistant.models.ollama.models': llama3.1 is listed twice",
    );
  });
});
