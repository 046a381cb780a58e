import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { countingEmbeddingsProvider, doc } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { createChunker, hashDocument } from './chunking';
import { IngestionPipeline } from './IngestionPipeline';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 200, chunkOverlap: 0 };
const topics = ['rollback', 'helm', 'kafka', 'vault', 'canary', 'oncall'];
const corpus = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    doc(
      `page-${i}`,
      `# Guide ${i}\n\nHow to ${topics[i % topics.length]} the service number ${i} safely.`,
    ),
  );

describe.each(databases.eachId())(
  'Term counts of bulk loads on %s',
  databaseId => {
    let knex: Knex;
    let store: KnowledgeStore;
    let embeddings: EmbeddingsService;
    let pipeline: IngestionPipeline;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      embeddings = new EmbeddingsService(
        countingEmbeddingsProvider({ model: 'small', dimensions: 16 }),
        { concurrency: 1 },
      );
      store = KnowledgeStore.create({
        knex,
        model: () => embeddings.getModel(),
      });
      pipeline = new IngestionPipeline({
        store,
        runs: IngestionRunStore.create({ knex }),
        embeddings,
        chunker: createChunker(chunking),
        chunking,
        batchSize: 2,
        logger: mockServices.logger.mock(),
      });
    });

    const ingestor = (documents = corpus(12)) => ({
      id: 'docs',
      async *ingest() {
        yield* documents;
      },
    });
    const run = (documents?: ReturnType<typeof corpus>) =>
      pipeline.run(ingestor(documents), new AbortController().signal);

    /** `keyword_terms` as it is, and as a full recount from the stored chunks gives it. */
    async function countsAndRecount() {
      const read = async () =>
        (
          await knex.raw(
            `SELECT lexeme, chunks FROM keyword_terms WHERE chunks <> 0 ORDER BY lexeme`,
          )
        ).rows;
      const counts = await read();
      await store.rebuildKeywordIndex();
      return { counts, recount: await read() };
    }

    const keywordHits = async (text: string) =>
      (
        await store.search({
          text,
          vector: await embeddings.embedQuery(text),
          limit: 12,
          mode: 'keyword',
        })
      ).map(hit => hit.documentId);

    it('counts a first ingestion written without per-batch counts when it ends, as a recount would', async () => {
      expect(await run()).toMatchObject({ state: 'succeeded', documents: 12 });
      expect(await keywordHits('kafka')).toEqual(
        expect.arrayContaining(['page-2', 'page-8']),
      );
      const { counts, recount } = await countsAndRecount();
      expect(counts).toEqual(recount);
      expect(counts).toContainEqual({ lexeme: 'kafka', chunks: 2 });
      const { rows } = await knex.raw(
        'SELECT count(*)::int AS n FROM documents WHERE NOT terms_counted',
      );
      expect(rows[0].n).toBe(0);
    });

    it('counts the documents a run stopped in the middle of a bulk load left uncounted, at the next run', async () => {
      // A run that wrote these and stopped before counting them (a crash).
      const written = corpus(6);
      for (const item of written) {
        await store.writeDocuments(
          'docs',
          [
            {
              document: {
                source: 'docs',
                documentId: item.id,
                title: item.title,
                url: item.url,
                // Two changed since; the others as the next run finds them.
                contentHash: ['page-0', 'page-1'].includes(item.id)
                  ? `stale-${item.id}`
                  : hashDocument(item, chunking),
                metadata: {},
              },
              chunks: [
                {
                  content: item.content,
                  contentHash: `chunk-${item.id}`,
                  embedding: await embeddings.embedQuery(item.content),
                },
              ],
            },
          ],
          { deferTermCounts: true },
        );
      }
      expect(await keywordHits('vault')).toEqual([]);

      // The next run rewrites two of them and keeps the others' chunks as they are.
      expect(await run(corpus(6))).toMatchObject({
        state: 'succeeded',
        documentsUnchanged: 4,
      });
      expect(await keywordHits('vault')).toEqual(['page-3']);
      const { counts, recount } = await countsAndRecount();
      expect(counts).toEqual(recount);
    });
  },
);
