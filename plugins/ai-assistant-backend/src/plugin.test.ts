import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  aiAssistantIngestorExtensionPoint,
  EmbeddingsProvider,
  Ingestor,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import request from 'supertest';
import {
  countingEmbeddingsProvider,
  doc,
  FakeIngestor,
} from './__testUtils__/fakes';
import { aiAssistantPlugin } from './plugin';

jest.setTimeout(120_000);

function embeddingsModule(
  provider: EmbeddingsProvider,
  moduleId = `${provider.id}-embeddings`,
) {
  return createBackendModule({
    pluginId: 'ai-assistant',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { embeddings: aiAssistantEmbeddingsProviderExtensionPoint },
        async init({ embeddings }) {
          embeddings.setEmbeddingsProvider(provider);
        },
      });
    },
  });
}

function ingestorModule(ingestor: Ingestor) {
  return createBackendModule({
    pluginId: 'ai-assistant',
    moduleId: `${ingestor.id}-ingestor`,
    register(env) {
      env.registerInit({
        deps: { ingestors: aiAssistantIngestorExtensionPoint },
        async init({ ingestors }) {
          ingestors.addIngestor(ingestor);
        },
      });
    },
  });
}

const schedule = {
  frequency: { minutes: 10 },
  timeout: { minutes: 1 },
  initialDelay: { seconds: 1 },
};

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('aiAssistantPlugin', () => {
  it('starts with an embeddings module, reports its overall health without credentials and ingests on demand', async () => {
    const ingestor = new FakeIngestor('handbook');
    ingestor.documents = [
      doc('welcome', 'Welcome to the platform team handbook.'),
    ];
    const { server } = await startTestBackend({
      features: [
        aiAssistantPlugin,
        embeddingsModule(countingEmbeddingsProvider()),
        ingestorModule(ingestor),
        mockServices.rootConfig.factory({
          data: {
            aiAssistant: {
              ingestion: {
                schedule: { ...schedule, initialDelay: { hours: 1 } },
              },
            },
          },
        }),
        // Requests without a token are anonymous, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });

    // Anonymous callers get the overall status only (degraded: no model provider is
    // installed); the details need the ingestion admin permission.
    const health = await request(server).get('/api/ai-assistant/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'degraded' });
    const details = await request(server)
      .get('/api/ai-assistant/health')
      .set('Authorization', mockCredentials.user.header());
    expect(details.body).toMatchObject({
      database: { status: 'ok', kind: 'pglite' },
      embeddings: { status: 'ok', provider: 'fake', dimensions: 16 },
    });

    expect(
      (await request(server).get('/api/ai-assistant/ingestion')).status,
    ).toBe(401);
    const started = await request(server)
      .post('/api/ai-assistant/ingestion/run')
      .set('Authorization', mockCredentials.user.header());
    expect(started.status).toBe(202);

    const status = await waitFor(async () => {
      const res = await request(server)
        .get('/api/ai-assistant/ingestion')
        .set('Authorization', mockCredentials.user.header());
      const [handbook] = res.body.ingestors;
      return handbook.lastRun?.state === 'succeeded' ? handbook : undefined;
    });
    expect(status).toMatchObject({
      id: 'handbook',
      documents: 1,
      chunks: 1,
      lastRun: { chunksEmbedded: 1 },
    });
  });

  it('refuses ingestion routes to users without the admin permission', async () => {
    const { server } = await startTestBackend({
      features: [
        aiAssistantPlugin,
        embeddingsModule(countingEmbeddingsProvider()),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const res = await request(server)
      .post('/api/ai-assistant/ingestion/run')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('ai-assistant.ingestion.admin');
  });

  it('fails to start with an error naming both providers when a second embeddings provider registers', async () => {
    await expect(
      startTestBackend({
        features: [
          aiAssistantPlugin,
          embeddingsModule(countingEmbeddingsProvider({ id: 'azureOpenAi' })),
          embeddingsModule(countingEmbeddingsProvider({ id: 'ollama' })),
        ],
      }),
    ).rejects.toThrow(/'ollama'.*'azureOpenAi'|'azureOpenAi'.*'ollama'/);
  });

  it('fails to start with a clear error when no embeddings provider is installed', async () => {
    await expect(
      startTestBackend({ features: [aiAssistantPlugin] }),
    ).rejects.toThrow(/no embeddings provider.*aiAssistant\.embeddings/);
  });
});
