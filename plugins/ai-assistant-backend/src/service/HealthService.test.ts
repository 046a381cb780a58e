import request from 'supertest';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import { doc } from '../__testUtils__/fakes';
import {
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

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
      const res = await request(backend.server).get('/api/ai-assistant/health');
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
        const health = await request(backend.server).get(
          '/api/ai-assistant/health',
        );
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
});
