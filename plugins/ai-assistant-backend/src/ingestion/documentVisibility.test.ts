import { mockServices } from '@backstage/backend-test-utils';
import {
  countingEmbeddingsProvider,
  FakeIngestor,
} from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { createChunker } from './chunking';
import { IngestionPipeline } from './IngestionPipeline';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 400, chunkOverlap: 0 };

const base = (id: string) => ({
  id,
  title: `Document ${id}`,
  url: `https://docs.example.com/${id}`,
  content: `The text of ${id}.`,
});

describe.each(databases.eachId())(
  'documents without entityRef are readable by every user, silently, on %s',
  databaseId => {
    it('documents without entityRef: refuses a document that states neither an entity nor public, and one that states both', async () => {
      const knex = await databases.init(databaseId);
      const embeddings = new EmbeddingsService(countingEmbeddingsProvider());
      const store = KnowledgeStore.create({
        knex,
        model: () => embeddings.getModel(),
      });
      const pipeline = new IngestionPipeline({
        store,
        runs: IngestionRunStore.create({ knex }),
        embeddings,
        chunker: createChunker(chunking),
        chunking,
        batchSize: 8,
        logger: mockServices.logger.mock(),
      });
      const ingestor = new FakeIngestor();
      ingestor.documents = [
        // An ingestor that forgot to say: nobody can tell whom it is meant for.
        base('unstated'),
        {
          ...base('contradictory'),
          public: true,
          entityRef: 'component:default/a',
        },
        { ...base('public'), public: true },
        { ...base('guarded'), entityRef: 'component:default/a' },
        {
          ...base('guarded-by-two'),
          entityRefs: ['component:default/a', 'component:default/b'],
        },
      ];

      const run = await pipeline.run(ingestor, new AbortController().signal);

      expect(run).toMatchObject({ state: 'succeeded', documentsFailed: 2 });
      expect(run.documentErrors).toEqual([
        {
          documentId: 'unstated',
          error: expect.stringMatching(/neither an entityRef nor public: true/),
        },
        {
          documentId: 'contradictory',
          error: expect.stringMatching(/both public: true and an entity/),
        },
      ]);
      expect(
        [...(await store.getDocumentStates('fake')).keys()].sort(),
      ).toEqual(['guarded', 'guarded-by-two', 'public']);
    });
  },
);
