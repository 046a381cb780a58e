import { mockServices } from '@backstage/backend-test-utils';
import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { Knex } from 'knex';
import { countingEmbeddingsProvider, doc } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { planVectorIndex } from '../database/vectorIndex';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { createChunker } from './chunking';
import { IngestionPipeline } from './IngestionPipeline';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 200, chunkOverlap: 0 };

const topics = ['rollback', 'helm', 'kafka', 'vault', 'canary', 'oncall'];
const corpus = (count: number, prefix = 'page') =>
  Array.from({ length: count }, (_, i) =>
    doc(
      `${prefix}-${i}`,
      `# Guide ${i}\n\nHow to ${topics[i % topics.length]} the service number ${i} safely.`,
    ),
  );

/** Yields its documents, and stops halfway until `resume` is called. */
class PausingIngestor implements Ingestor {
  readonly id = 'paused';
  paused!: Promise<void>;
  resume!: () => void;
  private reached!: () => void;
  private gate!: Promise<void>;

  constructor(private readonly documents: IngestionDocument[]) {
    this.paused = new Promise(resolve => (this.reached = resolve));
    this.gate = new Promise(resolve => (this.resume = resolve));
  }

  async *ingest(_: IngestorContext): AsyncIterable<IngestionDocument> {
    const half = this.documents.length / 2;
    for (let i = 0; i < this.documents.length; i++) {
      if (i === half) {
        this.reached();
        await this.gate;
      }
      yield this.documents[i];
    }
  }
}

describe.each(databases.eachId())('Bulk loads on %s', databaseId => {
  let knex: Knex;
  let store: KnowledgeStore;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
  });

  function pipelineWith(model = 'small', dimensions = 16) {
    // One call at a time: the run writes every batchSize chunks, so it writes many times.
    const embeddings = new EmbeddingsService(
      countingEmbeddingsProvider({ model, dimensions }),
      { concurrency: 1 },
    );
    store = KnowledgeStore.create({ knex, model: () => embeddings.getModel() });
    const pipeline = new IngestionPipeline({
      store,
      runs: IngestionRunStore.create({ knex }),
      embeddings,
      chunker: createChunker(chunking),
      chunking,
      batchSize: 2,
      logger: mockServices.logger.mock(),
    });
    const search = async (text: string, limit = 5) =>
      store.search({
        text,
        vector: await embeddings.embedQuery(text),
        limit,
        mode: 'vector',
      });
    return { pipeline, embeddings, search };
  }

  /** The object id of the model's HNSW index, when it exists and is valid. */
  async function vectorIndex(embeddings: EmbeddingsService) {
    const name = planVectorIndex(await embeddings.getModel()).index!.name;
    const { rows } = await knex.raw(
      `SELECT c.oid::text AS oid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = ? AND i.indisvalid`,
      [name],
    );
    return rows[0]?.oid as string | undefined;
  }

  const signal = () => new AbortController().signal;

  it('loads a first ingestion without the vector index, answers searches meanwhile, and builds the index at the end', async () => {
    const { pipeline, embeddings, search } = pipelineWith();
    const ingestor = new PausingIngestor(corpus(12));
    const run = pipeline.run(ingestor, signal());

    await ingestor.paused;
    // Wait until the first documents are written: the run is mid-load.
    await waitFor(
      async () => (await search('rollback the service')).length > 0,
    );
    expect(await vectorIndex(embeddings)).toBeUndefined();
    const midway = await search('kafka the service', 10);
    expect(midway.every(hit => hit.documentId.startsWith('page-'))).toBe(true);

    ingestor.resume();
    expect(await run).toMatchObject({ state: 'succeeded', documents: 12 });
    expect(await vectorIndex(embeddings)).toBeDefined();
    expect(
      await store.explainSearch({
        text: 'kafka',
        vector: await embeddings.embedQuery('kafka'),
        limit: 5,
        mode: 'vector',
      }),
    ).toContain(planVectorIndex(await store.currentModel()).index!.name);
    const hits = await search('kafka the service number 2', 12);
    expect(hits.map(hit => hit.documentId)).toContain('page-2');
  });

  it('keeps the index of a model whose source is already stored: small updates write through it', async () => {
    const { pipeline, embeddings } = pipelineWith();
    const ingestor = new PausingIngestor(corpus(4));
    ingestor.resume();
    await pipeline.run(ingestor, signal());
    const before = await vectorIndex(embeddings);
    expect(before).toBeDefined();

    const edited = new PausingIngestor([
      ...corpus(3),
      doc('page-3', '# Guide 3\n\nHow to drain a node before an upgrade.'),
    ]);
    edited.resume();
    expect(await pipeline.run(edited, signal())).toMatchObject({
      state: 'succeeded',
      chunksEmbedded: 1,
    });
    // The same index object: it was neither dropped nor rebuilt.
    expect(await vectorIndex(embeddings)).toBe(before);
  });

  it('re-embeds through the bulk path after a model change, and searches only ever see one model', async () => {
    const small = pipelineWith('small', 16);
    const first = new PausingIngestor(corpus(10));
    first.resume();
    await small.pipeline.run(first, signal());

    const large = pipelineWith('large', 24);
    const second = new PausingIngestor(corpus(10));
    const run = large.pipeline.run(second, signal());
    await second.paused;
    await waitFor(async () => (await large.search('helm')).length > 0);
    expect(await vectorIndex(large.embeddings)).toBeUndefined();
    // Mid-change, the new model's searches return only chunks embedded with it.
    const midway = await large.search('helm the service', 20);
    const { rows } = await knex.raw(
      'SELECT DISTINCT embedding_model FROM embeddings WHERE id = ANY(?)',
      [midway.map(hit => Number(hit.chunkId))],
    );
    expect(rows).toEqual([{ embedding_model: 'fake/large/24' }]);

    second.resume();
    expect(await run).toMatchObject({ state: 'succeeded', chunksEmbedded: 10 });
    expect(await vectorIndex(large.embeddings)).toBeDefined();
    expect(
      (await knex.raw('SELECT DISTINCT embedding_model FROM embeddings')).rows,
    ).toEqual([{ embedding_model: 'fake/large/24' }]);
  });

  it('builds the index even when the run fails midway', async () => {
    const { pipeline, embeddings, search } = pipelineWith();
    const documents = corpus(8);
    const failing: Ingestor = {
      id: 'failing',
      async *ingest() {
        yield* documents;
        throw new Error('source unavailable');
      },
    };
    expect(await pipeline.run(failing, signal())).toMatchObject({
      state: 'failed',
    });
    expect(await vectorIndex(embeddings)).toBeDefined();
    expect((await search('vault the service')).length).toBeGreaterThan(0);
  });
});

/** Polls `condition` until it holds; jest's timeout ends a wait that never does. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
