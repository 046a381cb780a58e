import { mockServices } from '@backstage/backend-test-utils';
import type {
  IngestionDocument,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  countingEmbeddingsProvider,
  doc,
  FakeIngestor,
} from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { waitFor } from '../__testUtils__/chatBackend';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { runProgress } from './IngestionStatusService';
import { createChunker } from './chunking';
import { IngestionPipeline } from './IngestionPipeline';
import { IngestionService } from './IngestionService';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 500, chunkOverlap: 0 };

const DOCUMENTS = [
  doc('a', 'Deploy with the release pipeline.'),
  doc('b', 'Roll back with the previous image tag.'),
  doc('c', 'Page the on-call engineer when the error budget burns.'),
];

/** Yields its documents but holds before the last one until the test opens the gate. */
class GatedIngestor extends FakeIngestor {
  private open!: () => void;
  readonly gate = new Promise<void>(resolve => {
    this.open = resolve;
  });

  release() {
    this.open();
  }

  async *ingest(context: IngestorContext): AsyncIterable<IngestionDocument> {
    for (const [index, document] of this.documents.entries()) {
      if (index === this.documents.length - 1) await this.gate;
      context.signal.throwIfAborted();
      yield document;
    }
  }
}

describe.each(databases.eachId())('re-index and progress on %s', databaseId => {
  async function setUp() {
    const knex = await databases.init(databaseId);
    const provider = countingEmbeddingsProvider();
    const embeddings = new EmbeddingsService(provider);
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
      batchSize: 1,
      logger: mockServices.logger.mock(),
    });
    return { runs, provider, pipeline };
  }

  it('re-embeds every chunk of an unchanged source when asked to, and records that it did', async () => {
    const { runs, provider, pipeline } = await setUp();
    const ingestor = new FakeIngestor('docs');
    ingestor.documents = DOCUMENTS;
    const first = await pipeline.run(ingestor, new AbortController().signal);
    expect(first.chunksEmbedded).toBe(3);

    const incremental = await pipeline.run(
      ingestor,
      new AbortController().signal,
    );
    expect(incremental).toMatchObject({
      reembed: false,
      chunksEmbedded: 0,
      documentsUnchanged: 3,
    });

    const calls = provider.embeddings.calls;
    const reindex = await pipeline.run(ingestor, new AbortController().signal, {
      reembed: true,
    });
    expect(reindex).toMatchObject({
      state: 'succeeded',
      reembed: true,
      documents: 3,
      documentsUnchanged: 0,
      chunksEmbedded: 3,
      chunksSkipped: 0,
      documentsPruned: 0,
    });
    expect(provider.embeddings.calls).toBeGreaterThan(calls);
    const [recorded] = await runs.latestPerIngestor();
    expect(recorded.reembed).toBe(true);
    expect(runProgress(recorded)).toEqual({
      documentsDone: 3,
      documentsTotal: 3,
      chunksDone: 3,
      chunksTotal: 3,
      percent: 100,
    });
  });

  it('records progress while a run is held up by its source, then 100 % when it succeeds', async () => {
    const { runs, pipeline } = await setUp();
    const seed = new FakeIngestor('docs');
    seed.documents = DOCUMENTS;
    await pipeline.run(seed, new AbortController().signal);

    const ingestor = new GatedIngestor('docs');
    ingestor.documents = DOCUMENTS;
    const run = pipeline.run(ingestor, new AbortController().signal, {
      reembed: true,
    });

    // Two of three documents in, the source slow to yield the third.
    const during = await waitFor(async () => {
      const [latest] = await runs.latestPerIngestor();
      return latest?.state === 'running' && latest.documents === 2
        ? latest
        : undefined;
    });
    const progress = runProgress(during)!;
    expect(progress).toMatchObject({ documentsDone: 2, documentsTotal: 3 });
    expect(progress.chunksTotal).toBe(3);
    expect(progress.percent).toBeGreaterThan(0);
    expect(progress.percent).toBeLessThan(100);

    ingestor.release();
    expect((await run).state).toBe('succeeded');
    const [finished] = await runs.latestPerIngestor();
    expect(runProgress(finished)?.percent).toBe(100);
  });
});

describe.each(databases.eachId())('ingestion requests on %s', databaseId => {
  it('keeps one request per source, re-embedding if any asker wanted it, until the task takes them', async () => {
    const runs = IngestionRunStore.create({
      knex: await databases.init(databaseId),
    });
    await runs.request('github', { reembed: true });
    await runs.request('catalog', { reembed: false });
    await runs.request('github', { reembed: false });

    expect(
      (await runs.pendingRequests()).map(r => [r.ingestor, r.reembed]),
    ).toEqual(
      expect.arrayContaining([
        ['github', true],
        ['catalog', false],
      ]),
    );
    expect(await runs.pendingRequests()).toHaveLength(2);

    const taken = await runs.takeRequests();
    expect(taken.map(r => r.ingestor).sort()).toEqual(['catalog', 'github']);
    expect(await runs.pendingRequests()).toEqual([]);
    expect(await runs.takeRequests()).toEqual([]);
  });
});

describe.each(databases.eachId())(
  'requested runs in the ingestion task on %s',
  databaseId => {
    it('runs only the requested sources, re-embedding where asked, and keeps requests it could not start', async () => {
      const knex = await databases.init(databaseId);
      const runs = IngestionRunStore.create({ knex });
      const controller = new AbortController();
      const make = (id: string) => {
        const ingestor = new FakeIngestor(id);
        ingestor.documents = [doc(`${id}-1`, `Knowledge of ${id}.`)];
        return ingestor;
      };
      const [catalog, github, techdocs] = ['catalog', 'github', 'techdocs'].map(
        make,
      );
      // The backend stops while github runs: techdocs, asked for last, has not started.
      github.ingest = async function* stopping(context) {
        controller.abort(new Error('backend stopping'));
        context.signal.throwIfAborted();
        yield doc('never', 'never');
      };
      const embeddings = new EmbeddingsService(countingEmbeddingsProvider());
      const service = new IngestionService({
        scheduler: mockServices.scheduler.mock(),
        pipeline: new IngestionPipeline({
          store: KnowledgeStore.create({
            knex,
            model: () => embeddings.getModel(),
          }),
          runs,
          embeddings,
          chunker: createChunker(chunking),
          chunking,
          batchSize: 10,
          logger: mockServices.logger.mock(),
        }),
        ingestors: [catalog, github, techdocs, make('confluence')],
        schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
        logger: mockServices.logger.mock(),
        runs,
      });
      await runs.request('catalog', { reembed: true });
      await runs.request('github', { reembed: false });
      await runs.request('techdocs', { reembed: true });

      const results = await service.runAll(controller.signal);

      expect(results.map(r => [r.ingestor, r.state, r.reembed])).toEqual([
        ['catalog', 'succeeded', true],
        ['github', 'failed', false],
      ]);
      expect(
        (await runs.pendingRequests()).map(r => [r.ingestor, r.reembed]),
      ).toEqual([['techdocs', true]]);
    });
  },
);
