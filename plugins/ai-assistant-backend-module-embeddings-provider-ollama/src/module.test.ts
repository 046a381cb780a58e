import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { aiAssistantEmbeddingsProviderExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  captureConsole,
  startOllamaTestServer,
  type OllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { aiAssistantModuleOllamaEmbeddingsProvider } from './module';
import { OllamaEmbeddingsProvider } from './OllamaEmbeddingsProvider';

const apiKey = 'ollama-module-key-52d1e8';

async function startWithConfig(data: JsonObject) {
  const setEmbeddingsProvider = jest.fn();
  const backend = await startTestBackend({
    extensionPoints: [
      [aiAssistantEmbeddingsProviderExtensionPoint, { setEmbeddingsProvider }],
    ],
    features: [
      aiAssistantModuleOllamaEmbeddingsProvider,
      mockServices.rootConfig.factory({ data }),
      mockServices.rootLogger.factory({ level: 'info' }),
    ],
  });
  await backend.stop();
  return setEmbeddingsProvider;
}

describe('aiAssistantModuleOllamaEmbeddingsProvider', () => {
  let server: OllamaTestServer;
  const output = captureConsole();
  beforeAll(async () => {
    server = await startOllamaTestServer();
  });
  afterAll(() => server.close());

  it('registers the ollama provider from the guide’s config block, and it embeds through the configured server', async () => {
    const setEmbeddingsProvider = await startWithConfig({
      aiAssistant: {
        embeddings: {
          ollama: {
            baseUrl: server.baseUrl,
            model: 'nomic-embed-text',
            apiKey,
          },
        },
      },
    });

    expect(setEmbeddingsProvider).toHaveBeenCalledTimes(1);
    const provider: OllamaEmbeddingsProvider =
      setEmbeddingsProvider.mock.calls[0][0];
    expect(provider).toBeInstanceOf(OllamaEmbeddingsProvider);
    expect(provider).toMatchObject({ id: 'ollama', model: 'nomic-embed-text' });

    await expect(provider.embeddings.embedQuery('hello')).resolves.toHaveLength(
      768,
    );
    expect(server.requests.at(-1)).toMatchObject({
      path: '/api/embed',
      headers: { authorization: `Bearer ${apiKey}` },
      body: { model: 'nomic-embed-text' },
    });
    expect(output().join('\n')).toContain(
      `Embedding with Ollama model nomic-embed-text at ${server.baseUrl} (with API key)`,
    );
    expect(output().join('\n')).not.toContain(apiKey);
  });

  it('defaults the base URL to http://localhost:11434 and needs no API key', async () => {
    const setEmbeddingsProvider = await startWithConfig({
      aiAssistant: {
        embeddings: {
          provider: 'ollama',
          ollama: { model: 'nomic-embed-text' },
        },
      },
    });
    expect(setEmbeddingsProvider).toHaveBeenCalledTimes(1);
    const provider: OllamaEmbeddingsProvider =
      setEmbeddingsProvider.mock.calls[0][0];
    expect(provider.embeddings.baseUrl).toBe('http://localhost:11434');
    expect(output().join('\n')).toContain(
      'Embedding with Ollama model nomic-embed-text at http://localhost:11434',
    );
  });

  it('does not register without an ollama block', async () => {
    await expect(startWithConfig({})).resolves.not.toHaveBeenCalled();
    await expect(
      startWithConfig({ aiAssistant: { embeddings: { provider: 'ollama' } } }),
    ).resolves.not.toHaveBeenCalled();
  });

  it('does not register when another provider is selected', async () => {
    const setEmbeddingsProvider = await startWithConfig({
      aiAssistant: {
        embeddings: {
          provider: 'azureOpenAi',
          ollama: { model: 'nomic-embed-text' },
        },
      },
    });
    expect(setEmbeddingsProvider).not.toHaveBeenCalled();
  });

  it('fails startup naming the missing model key', async () => {
    await expect(
      startWithConfig({
        aiAssistant: { embeddings: { ollama: { baseUrl: server.baseUrl } } },
      }),
    ).rejects.toThrow(
      "Missing required config value at 'aiAssistant.embeddings.ollama.model'",
    );
  });

  it('fails startup on a base URL that is not an http(s) URL', async () => {
    await expect(
      startWithConfig({
        aiAssistant: {
          embeddings: { ollama: { baseUrl: 'localhost:11434', model: 'x' } },
        },
      }),
    ).rejects.toThrow(
      "Invalid config at 'aiAssistant.embeddings.ollama.baseUrl'",
    );
  });
});
