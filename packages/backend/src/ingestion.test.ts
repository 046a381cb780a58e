import type { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';

// The first embedding loads the local provider's word vectors (a few seconds).
jest.setTimeout(120_000);

const component = (name: string, description: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', description },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

// The plugin, the local embeddings module and the catalog ingestor, wired as in an adopter's
// backend: modules and core together, end to end.
describe('catalog ingestion through the AI assistant backend', () => {
  it('ingests entities and prunes the chunks of a deleted entity on the next run', async () => {
    let catalog = catalogServiceMock({
      entities: [
        component('payments', 'Takes card payments and issues refunds.'),
        component('lunch-bot', 'Posts the cafeteria lunch menu every morning.'),
      ],
    });
    const { server } = await startTestBackend({
      features: [
        import('@ai-assistant/backstage-plugin-ai-assistant-backend'),
        import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-local'),
        import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-ingestor-catalog'),
        catalogServiceMock.mock({
          queryEntities: (req, options) => catalog.queryEntities(req, options),
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            aiAssistant: {
              embeddings: { local: {} },
              ingestion: {
                schedule: {
                  frequency: { hours: 1 },
                  timeout: { minutes: 5 },
                  initialDelay: { hours: 1 },
                },
              },
            },
          },
        }),
      ],
    });
    const admin = mockCredentials.user.header();
    const runAndWait = async () => {
      const before = await request(server)
        .get('/api/ai-assistant/ingestion')
        .set('Authorization', admin);
      const previousRun = before.body.ingestors[0].lastRun?.id;
      await request(server)
        .post('/api/ai-assistant/ingestion/run')
        .set('Authorization', admin)
        .expect(202);
      for (;;) {
        const res = await request(server)
          .get('/api/ai-assistant/ingestion')
          .set('Authorization', admin);
        const [status] = res.body.ingestors;
        if (status.lastRun?.id !== previousRun && status.lastRun?.finishedAt) {
          return status;
        }
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    };

    const first = await runAndWait();
    expect(first).toMatchObject({
      id: 'catalog',
      documents: 2,
      lastRun: { state: 'succeeded' },
    });
    const chunksBefore = first.chunks;

    catalog = catalogServiceMock({
      entities: [
        component('payments', 'Takes card payments and issues refunds.'),
      ],
    });
    const second = await runAndWait();
    expect(second).toMatchObject({
      documents: 1,
      lastRun: {
        state: 'succeeded',
        documentsPruned: 1,
        chunksEmbedded: 0,
      },
    });
    expect(second.lastRun.chunksPruned).toBeGreaterThan(0);
    expect(second.chunks).toBe(chunksBefore - second.lastRun.chunksPruned);
  });
});
