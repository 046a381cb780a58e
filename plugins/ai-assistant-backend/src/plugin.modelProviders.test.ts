import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  aiAssistantModelProviderExtensionPoint,
  type ModelProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import request from 'supertest';
import { countingEmbeddingsProvider } from './__testUtils__/fakes';
import {
  ScriptedChatModel,
  scriptedModel,
} from './__testUtils__/ScriptedChatModel';
import { aiAssistantPlugin } from './plugin';

jest.setTimeout(120_000);

const embeddingsModule = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'fake-embeddings',
  register(env) {
    env.registerInit({
      deps: { embeddings: aiAssistantEmbeddingsProviderExtensionPoint },
      async init({ embeddings }) {
        embeddings.setEmbeddingsProvider(countingEmbeddingsProvider());
      },
    });
  },
});

function provider(id: string): ModelProvider {
  const models = [
    scriptedModel(
      `${id}/chat`,
      new ScriptedChatModel(() => ({ tokens: ['hi'] })),
    ),
  ];
  return { id, getModels: async () => models };
}

function modelsModule(moduleId: string, ...providers: ModelProvider[]) {
  return createBackendModule({
    pluginId: 'ai-assistant',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { models: aiAssistantModelProviderExtensionPoint },
        async init({ models }) {
          models.addModelProvider(...providers);
        },
      });
    },
  });
}

describe('aiAssistantPlugin model providers', () => {
  it('fails to start with an error naming the id when two modules add model providers with the same id', async () => {
    await expect(
      startTestBackend({
        features: [
          aiAssistantPlugin,
          embeddingsModule,
          modelsModule('first-ollama', provider('ollama')),
          modelsModule('second-ollama', provider('ollama')),
        ],
      }),
    ).rejects.toThrow(
      "An AI assistant model provider with id 'ollama' is already registered",
    );
  });

  it('fails to start when one call adds two providers with the same id', async () => {
    await expect(
      startTestBackend({
        features: [
          aiAssistantPlugin,
          embeddingsModule,
          modelsModule('twice', provider('azureAi'), provider('azureAi')),
        ],
      }),
    ).rejects.toThrow(/model provider with id 'azureAi' is already registered/);
  });

  it('offers the models of several providers added in one call, in the order given', async () => {
    const backend = await startTestBackend({
      features: [
        aiAssistantPlugin,
        embeddingsModule,
        modelsModule('both', provider('azureAi'), provider('ollama')),
      ],
    });
    const res = await request(backend.server)
      .get('/api/ai-assistant/models')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.models.map((m: { id: string }) => m.id)).toEqual([
      'azureAi/chat',
      'ollama/chat',
    ]);
    await backend.stop();
  });
});
