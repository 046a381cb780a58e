import request from 'supertest';
import { AdminOnlyPermissions } from '../__testUtils__/AdminOnlyPermissions';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import { doc } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const ADMIN = 'user:default/admin';
const USER = 'user:default/a';

describe.each(databases.eachId())('Sources routes on %s', databaseId => {
  async function start() {
    const backend = await startChatBackend({
      models: null,
      documents: [
        doc('deploy', 'Deploy with the release pipeline.'),
        doc('rollback', 'Roll back with the previous image tag.', {
          updatedAt: new Date('2026-11-30T08:00:00Z'),
        }),
      ],
      permissions: new AdminOnlyPermissions(ADMIN),
      knex:
        databaseId === 'POSTGRES_15'
          ? await databases.init(databaseId)
          : undefined,
    });
    const as = (user: string) => ({
      get: (path: string) =>
        request(backend.server)
          .get(`/api/ai-assistant${path}`)
          .set('Authorization', backend.auth(user)),
      post: (path: string) =>
        request(backend.server)
          .post(`/api/ai-assistant${path}`)
          .set('Authorization', backend.auth(user)),
    });
    return { backend, admin: as(ADMIN), user: as(USER) };
  }

  it('shows admins per source what is stored, with which model, how fresh, and the last run at 100 %', async () => {
    const { backend, admin } = await start();
    try {
      const res = await admin.get('/admin/sources').expect(200);
      expect(res.body.embeddingModel).toEqual({
        model: 'fake/bag-of-words',
        dimensions: 16,
      });
      expect(res.body.sources).toEqual([
        expect.objectContaining({
          id: 'docs',
          documents: 2,
          chunks: 2,
          lastSucceededAt: res.body.sources[0].lastRun.finishedAt,
          newestSourceUpdateAt: '2026-11-30T08:00:00.000Z',
          embeddingModels: [
            {
              model: 'fake/bag-of-words',
              dimensions: 16,
              documents: 2,
              chunks: 2,
              current: true,
            },
          ],
          lastRun: expect.objectContaining({
            state: 'succeeded',
            reembed: false,
            documentsPruned: 0,
            documentErrors: [],
            progress: {
              documentsDone: 2,
              documentsTotal: 2,
              chunksDone: 2,
              chunksTotal: 2,
              percent: 100,
            },
          }),
        }),
      ]);
      expect(res.body.sources[0].pendingRequest).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });

  it('re-indexes one source on request, re-embedding unchanged documents, and runs it incrementally on "run"', async () => {
    const { backend, admin } = await start();
    try {
      const before = (await admin.get('/admin/sources').expect(200)).body
        .sources[0].lastRun;

      const queued = await admin
        .post('/admin/sources/docs/reindex')
        .expect(202);
      expect(queued.body).toEqual({ status: 'queued' });
      const reindexed = await waitFor(async () => {
        const { body } = await admin.get('/admin/sources');
        const run = body.sources[0].lastRun;
        return run.id !== before.id && run.state === 'succeeded'
          ? body.sources[0]
          : undefined;
      });
      expect(reindexed.pendingRequest).toBeUndefined();
      expect(reindexed.lastRun).toMatchObject({
        reembed: true,
        documents: 2,
        documentsUnchanged: 0,
        chunksEmbedded: 2,
        chunksSkipped: 0,
        progress: { percent: 100, documentsDone: 2, chunksDone: 2 },
      });

      await admin.post('/admin/sources/docs/run').expect(202);
      const incremental = await waitFor(async () => {
        const { body } = await admin.get('/admin/sources');
        const run = body.sources[0].lastRun;
        return run.id !== reindexed.lastRun.id && run.state === 'succeeded'
          ? run
          : undefined;
      });
      expect(incremental).toMatchObject({
        reembed: false,
        documentsUnchanged: 2,
        chunksEmbedded: 0,
      });
    } finally {
      await backend.stop();
    }
  });

  it('refuses every Sources route to users without the admin permission, and says what is wrong with bad input', async () => {
    const { backend, admin, user } = await start();
    try {
      for (const res of [
        await user.get('/admin/sources'),
        await user.post('/admin/sources/docs/run'),
        await user.post('/admin/sources/docs/reindex'),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(
          'ai-assistant.ingestion.admin',
        );
      }
      const unknown = await admin
        .post('/admin/sources/confluence/reindex')
        .expect(404);
      expect(unknown.body.error.message).toBe(
        'No ingestor with id confluence is installed',
      );
      const invalid = await admin
        .post(`/admin/sources/${encodeURIComponent('docs;drop')}/run`)
        .expect(400);
      expect(invalid.body.error.message).toMatch(/^Invalid ingestor id/);
      const query = await admin.get('/admin/sources?all=1').expect(400);
      expect(query.body.error.message).toMatch(/takes no query parameters/);
      // Nothing was queued by the refused or invalid requests.
      expect(
        (await admin.get('/admin/sources').expect(200)).body.sources[0]
          .pendingRequest,
      ).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });
});
