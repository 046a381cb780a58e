import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import { mockServices } from '@backstage/backend-test-utils';
import {
  countingEmbeddingsProvider,
  doc,
  FakeIngestor,
} from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { createChunker } from './chunking';
import { IngestionPipeline } from './IngestionPipeline';
import { IngestionService } from './IngestionService';

jest.setTimeout(60_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 500, chunkOverlap: 0 };

// Several backends sharing a database only happens on PostgreSQL.
const withPostgres = databases.ids.includes('POSTGRES_15')
  ? describe
  : describe.skip;

withPostgres(
  'IngestionService with two backends on one PostgreSQL database',
  () => {
    it('runs a scheduled tick on one backend only', async () => {
      const knex = await databases.init('POSTGRES_15');
      const ingestors = [
        new FakeIngestor('shared'),
        new FakeIngestor('shared'),
      ];
      const services = ingestors.map(ingestor => {
        ingestor.documents = [doc('a', 'Shared knowledge.')];
        // Each backend has its own scheduler over the shared database, as separate replicas do.
        const scheduler = DefaultSchedulerService.create({
          database: mockServices.database({ knex }),
          logger: mockServices.logger.mock(),
          rootLifecycle: mockServices.rootLifecycle.mock(),
          httpRouter: mockServices.httpRouter.mock(),
          pluginMetadata: { getId: () => 'ai-assistant' },
          metrics: {
            createCounter: () => ({ add() {} }),
            createGauge: () => ({ record() {} }),
            createHistogram: () => ({ record() {} }),
          },
        } as unknown as Parameters<typeof DefaultSchedulerService.create>[0]);
        const embeddings = new EmbeddingsService(countingEmbeddingsProvider());
        const store = KnowledgeStore.create({
          knex,
          model: () => embeddings.getModel(),
        });
        const runs = IngestionRunStore.create({ knex });
        const pipeline = new IngestionPipeline({
          store,
          runs,
          embeddings,
          chunker: createChunker(chunking),
          chunking,
          batchSize: 10,
          logger: mockServices.logger.mock(),
        });
        return new IngestionService({
          scheduler,
          pipeline,
          ingestors: [ingestor],
          schedule: {
            frequency: { minutes: 10 },
            timeout: { minutes: 1 },
            initialDelay: { seconds: 1 },
          },
          logger: mockServices.logger.mock(),
        });
      });
      // One after the other, like replicas in a rolling deployment (the scheduler's own
      // migrations do not tolerate two backends creating its tables at the same instant).
      for (const service of services) {
        await service.start();
      }

      // Well past the initial delay: long enough for both to run, were the task not global.
      await new Promise(resolve => setTimeout(resolve, 6_000));

      expect(ingestors[0].runs + ingestors[1].runs).toBe(1);
      const { rows } = await knex.raw(`SELECT state FROM ingestion_runs`);
      expect(rows).toEqual([{ state: 'succeeded' }]);
    });
  },
);
