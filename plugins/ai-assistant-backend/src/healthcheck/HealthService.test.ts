import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { aiAssistantIngestionAdminPermission } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import request from 'supertest';
import {
  RecordingPermissions,
  startChatBackend,
  waitFor,
} from '../__testUtils__/chatBackend';
import { doc } from '../__testUtils__/fakes';
import {
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { ProviderError } from '@ai-assistant/backstage-plugin-ai-assistant-node';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const admin = 'user:default/admin';

/** A policy that gives the ingestion admin permission to `admin` only. */
class AdminOnly extends RecordingPermissions {
  async authorize(requests: any[], options?: any) {
    const user = options?.credentials?.principal?.userEntityRef;
    const decisions = await super.authorize(requests);
    return decisions.map((decision: any, i: number) =>
      requests[i].permission.name ===
        aiAssistantIngestionAdminPermission.name && user !== admin
        ? { result: 'DENY' }
        : decision,
    ) as any;
  }
}

describe.each(databases.eachId())('GET /health on %s', databaseId => {
  it('reports the database, vector extension, embeddings provider, models and last ingestion', async () => {
    const backend = await startChatBackend({
      models: [
        scriptedModel(
          'scripted/one',
          new ScriptedChatModel(() => ({ tokens: ['ok'] })),
        ),
      ],
      documents: [doc('argo', 'Deployments use Argo CD.')],
      knex:
        databaseId === 'POSTGRES_15'
          ? await databases.init(databaseId)
          : undefined,
    });
    try {
      const res = await request(backend.server)
        .get('/api/ai-assistant/health')
        .set('Authorization', backend.auth(admin));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        database: {
          status: 'ok',
          kind: databaseId === 'POSTGRES_15' ? 'postgres' : 'pglite',
        },
        vectorExtension: { status: 'ok', version: expect.any(String) },
        embeddings: {
          status: 'ok',
          provider: 'fake',
          model: 'fake/bag-of-words/16',
          dimensions: 16,
        },
        models: { status: 'ok', defaultModelId: 'scripted/one' },
        ingestion: {
          status: 'ok',
          lastFinishedAt: expect.any(String),
          lastRuns: [
            expect.objectContaining({ ingestor: 'docs', state: 'succeeded' }),
          ],
        },
      });

      // A failed run leaves older knowledge in place: degraded, still 200.
      backend.ingestor.failAfter = 0;
      await request(backend.server)
        .post('/api/ai-assistant/ingestion/run')
        .set('Authorization', backend.auth('user:default/admin'))
        .expect(202);
      const degraded = await waitFor(async () => {
        const health = await request(backend.server)
          .get('/api/ai-assistant/health')
          .set('Authorization', backend.auth(admin));
        return health.body.ingestion.status === 'error' ? health : undefined;
      });
      expect(degraded.status).toBe(200);
      expect(degraded.body.status).toBe('degraded');
      expect(degraded.body.ingestion.message).toContain(
        'The last ingestion run failed for docs',
      );
    } finally {
      await backend.stop();
    }
  });

  it('/health tells anonymous callers too much: anonymous and ordinary callers get only the overall status, the ingestion admin gets the details', async () => {
    const backend = await startChatBackend({
      models: [
        scriptedModel(
          'scripted/secret-model',
          new ScriptedChatModel(() => ({ tokens: ['ok'] })),
        ),
      ],
      documents: [doc('argo', 'Deployments use Argo CD.')],
      knex:
        databaseId === 'POSTGRES_15'
          ? await databases.init(databaseId)
          : undefined,
      permissions: new AdminOnly(),
      // Requests without a token are anonymous, as in a real backend.
      features: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    try {
      // A failed run's error can name private repository paths or quote upstream bodies.
      backend.ingestor.failAfter = 0;
      await request(backend.server)
        .post('/api/ai-assistant/ingestion/run')
        .set('Authorization', backend.auth(admin))
        .expect(202);
      const details = await waitFor(async () => {
        const health = await request(backend.server)
          .get('/api/ai-assistant/health')
          .set('Authorization', backend.auth(admin));
        return health.body.ingestion?.status === 'error' ? health : undefined;
      });
      expect(details.body).toMatchObject({
        status: 'degraded',
        models: { defaultModelId: 'scripted/secret-model' },
        embeddings: { model: 'fake/bag-of-words/16' },
        ingestion: {
          lastRuns: [expect.objectContaining({ error: expect.any(String) })],
        },
      });

      const anonymous = await request(backend.server).get(
        '/api/ai-assistant/health',
      );
      const ordinaryUser = await request(backend.server)
        .get('/api/ai-assistant/health')
        .set('Authorization', backend.auth('user:default/someone'));
      for (const res of [anonymous, ordinaryUser]) {
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: 'degraded' });
      }
    } finally {
      await backend.stop();
    }
  });

  it('says models are down when no model answers its probe: per model for the admin, the overall status for others, and a reason without hosts on GET /models', async () => {
    const refused = new ProviderError({
      provider: 'Azure AI',
      model: 'gpt-4o',
      url: 'https://contoso.openai.azure.com/openai/models',
      status: 401,
      cause: 'denied',
    });
    const down = new ProviderError({
      provider: 'Ollama',
      model: 'llama3.1',
      url: 'http://ollama.internal:11434/api/tags',
      cause:
        'cannot reach the server (ECONNREFUSED); check baseUrl and that Ollama is running',
    });
    const probes: string[] = [];
    const backend = await startChatBackend({
      models: [
        {
          ...scriptedModel(
            'scripted/refused',
            new ScriptedChatModel(() => ({ tokens: ['ok'] })),
          ),
          probe: async () => {
            probes.push('refused');
            throw refused;
          },
        },
        {
          ...scriptedModel(
            'scripted/down',
            new ScriptedChatModel(() => ({ tokens: ['ok'] })),
          ),
          probe: async () => {
            probes.push('down');
            throw down;
          },
        },
      ],
      knex:
        databaseId === 'POSTGRES_15'
          ? await databases.init(databaseId)
          : undefined,
      permissions: new AdminOnly(),
      features: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    try {
      const details = await request(backend.server)
        .get('/api/ai-assistant/health')
        .set('Authorization', backend.auth(admin));
      expect(details.status).toBe(200);
      expect(details.body.status).toBe('degraded');
      expect(details.body.models).toEqual({
        status: 'error',
        message:
          'No model can answer now: every model is unreachable or cooling down',
        defaultModelId: 'scripted/refused',
        models: [
          {
            id: 'scripted/refused',
            displayName: 'Scripted scripted/refused',
            status: 'unreachable',
            reachable: false,
            message: refused.message,
          },
          {
            id: 'scripted/down',
            displayName: 'Scripted scripted/down',
            status: 'unreachable',
            reachable: false,
            message: down.message,
          },
        ],
      });

      const anonymous = await request(backend.server).get(
        '/api/ai-assistant/health',
      );
      expect(anonymous.body).toEqual({ status: 'degraded' });

      const models = await request(backend.server)
        .get('/api/ai-assistant/models')
        .set('Authorization', backend.auth('user:default/someone'));
      expect(models.body.models).toEqual([
        {
          id: 'scripted/refused',
          displayName: 'Scripted scripted/refused',
          reachable: false,
          unreachableReason:
            'The service behind this model refused the assistant.',
        },
        {
          id: 'scripted/down',
          displayName: 'Scripted scripted/down',
          reachable: false,
          unreachableReason:
            'The service behind this model does not answer right now.',
        },
      ]);
      expect(JSON.stringify(models.body)).not.toMatch(
        /contoso|ollama\.internal|http|config/,
      );
      // Three callers within the cache period cost each model one probe.
      expect(probes.sort()).toEqual(['down', 'refused']);
    } finally {
      await backend.stop();
    }
  });
});
