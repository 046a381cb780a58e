import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
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
import { WritesInFlight } from './writeBatch';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 120, chunkOverlap: 0 };
const words = ['helm', 'kafka', 'vault', 'canary', 'rollback', 'oncall'];
const page = (i: number, edit = '') =>
  doc(
    `page-${i}`,
    `# Page ${i}\n\nHow to ${words[i % words.length]} service ${i}${edit}.\n\n` +
      `## Notes\n\nAsk ${words[(i + 1) % words.length]} owners ${edit}first.`,
  );

describe.each(databases.eachId())(
  'Overlapping writes of one run on %s',
  databaseId => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
    });

    it('writes two batches at once, never more, and keeps term counts equal to a recount', async () => {
      const embeddings = new EmbeddingsService(countingEmbeddingsProvider());
      const store = KnowledgeStore.create({
        knex,
        model: () => embeddings.getModel(),
      });
      // Counts how many writes run at once; every write still goes to the database.
      let running = 0;
      let most = 0;
      const write = store.writeDocuments.bind(store);
      store.writeDocuments = async (source, batch) => {
        running += 1;
        most = Math.max(most, running);
        try {
          await write(source, batch);
        } finally {
          running -= 1;
        }
      };
      const pipeline = new IngestionPipeline({
        store,
        runs: IngestionRunStore.create({ knex }),
        embeddings,
        chunker: createChunker(chunking),
        chunking,
        batchSize: 1,
        logger: mockServices.logger.mock(),
      });
      const ingestor = new FakeIngestor('docs');
      ingestor.documents = Array.from({ length: 60 }, (_, i) => page(i));
      const signal = new AbortController().signal;
      const recount = async () =>
        (
          await knex.raw(
            `SELECT lexeme, count(*)::int AS chunks FROM embeddings e, unnest(e.tsv) u
              GROUP BY lexeme
             UNION ALL SELECT '', count(*)::int FROM embeddings ORDER BY lexeme`,
          )
        ).rows;
      const counted = async () =>
        (
          await knex.raw(
            `SELECT lexeme, chunks FROM keyword_terms WHERE chunks <> 0 ORDER BY lexeme`,
          )
        ).rows;

      const first = await pipeline.run(ingestor, signal);
      expect(first).toMatchObject({ state: 'succeeded', chunksEmbedded: 120 });
      // The embedded database has one connection: there a write waits for the one before.
      expect(most).toBe(databaseId === 'PGLITE' ? 1 : 2);
      expect(await counted()).toEqual(await recount());

      // Half the pages edited, a tenth gone: replaced and pruned chunks are counted out.
      ingestor.documents = ingestor.documents
        .slice(6)
        .map((d, i) => (i % 2 ? page(i + 6, ' again') : d));
      most = 0;
      const second = await pipeline.run(ingestor, signal);
      expect(second).toMatchObject({ state: 'succeeded', documentsPruned: 6 });
      expect(most).toBeLessThanOrEqual(2);
      expect(await counted()).toEqual(await recount());
      expect(Number((await knex('embeddings').count({ n: '*' }))[0].n)).toBe(
        108,
      );
    });
  },
);

describe('WritesInFlight', () => {
  /** A write that ends when the test says so. */
  const controlled = () => {
    let end!: (error?: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      end = error => (error ? reject(error) : resolve());
    });
    return { write: () => done, end };
  };

  it('starts a third write only when the oldest has ended', async () => {
    const writes = new WritesInFlight(100);
    const [a, b, c] = [controlled(), controlled(), controlled()];
    await writes.start(10, a.write);
    await writes.start(10, b.write);
    let started = false;
    const third = writes.start(10, c.write).then(() => (started = true));
    await new Promise(resolve => setImmediate(resolve));
    expect(started).toBe(false);
    a.end();
    await third;
    b.end();
    c.end();
    await writes.finish();
  });

  it('lets a write larger than the limit start only when nothing else is in flight', async () => {
    const writes = new WritesInFlight(100);
    const small = controlled();
    await writes.start(10, small.write);
    let started = false;
    const large = writes.start(500, async () => {
      started = true;
    });
    await new Promise(resolve => setImmediate(resolve));
    expect(started).toBe(false);
    small.end();
    await large;
    expect(started).toBe(true);
    await writes.finish();
  });

  it('reports a failed write to the next start or to finish, and settle never throws', async () => {
    const writes = new WritesInFlight(100);
    const [a, b] = [controlled(), controlled()];
    await writes.start(10, a.write);
    await writes.start(10, b.write);
    a.end(new Error('connection lost'));
    await expect(writes.start(10, async () => {})).rejects.toThrow(
      'connection lost',
    );
    b.end(new Error('disk full'));
    await expect(writes.finish()).rejects.toThrow('disk full');
    const c = controlled();
    await writes.start(10, c.write);
    c.end(new Error('again'));
    await expect(writes.settle()).resolves.toBeUndefined();
  });
});
