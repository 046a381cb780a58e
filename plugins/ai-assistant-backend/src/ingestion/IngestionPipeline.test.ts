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

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 120, chunkOverlap: 0 };

// Three sections of ~100 characters each: one chunk per section.
const guide = (step3: string) =>
  [
    '# Deploying\n\nBuild the container image with the release pipeline and push it to the registry.',
    '## Rollout\n\nApply the manifests with kubectl and watch the rollout status until it finishes.',
    `## Rollback\n\n${step3}`,
  ].join('\n\n');

describe.each(databases.eachId())('IngestionPipeline on %s', databaseId => {
  let knex: Knex;
  let store: KnowledgeStore;
  let runs: IngestionRunStore;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    runs = IngestionRunStore.create({ knex });
  });

  function pipelineWith(
    provider = countingEmbeddingsProvider(),
    batchSize = 2,
  ) {
    const embeddings = new EmbeddingsService(provider);
    store = KnowledgeStore.create({ knex, model: () => embeddings.getModel() });
    const pipeline = new IngestionPipeline({
      store,
      runs,
      embeddings,
      chunker: createChunker(chunking),
      chunking,
      batchSize,
      logger: mockServices.logger.mock(),
    });
    const search = async (text: string) =>
      store.search({
        text,
        vector: await embeddings.embedQuery(text),
        limit: 5,
      });
    return { pipeline, provider, search };
  }

  const signal = () => new AbortController().signal;

  it('embeds nothing when a second run sees an unchanged corpus', async () => {
    const { pipeline, provider } = pipelineWith();
    const ingestor = new FakeIngestor();
    ingestor.documents = [
      doc(
        'deploy',
        guide('Run the rollback job to restore the previous release.'),
      ),
      doc(
        'oncall',
        'Escalate incidents to the on-call engineer of the owning team.',
      ),
    ];

    const first = await pipeline.run(ingestor, signal());
    expect(first).toMatchObject({
      state: 'succeeded',
      documents: 2,
      chunksEmbedded: 4,
      chunksSkipped: 0,
    });
    // Calls never exceed the batch size of two chunks.
    expect(provider.embeddings.batches.every(size => size <= 2)).toBe(true);
    expect(provider.embeddings.texts).toHaveLength(4);

    provider.embeddings.calls = 0;
    const second = await pipeline.run(ingestor, signal());
    expect(second).toMatchObject({
      state: 'succeeded',
      documents: 2,
      documentsUnchanged: 2,
      chunksEmbedded: 0,
      chunksSkipped: 4,
    });
    expect(provider.embeddings.calls).toBe(0);
  });

  it('re-embeds only the changed chunks of an edited document', async () => {
    const { pipeline, provider, search } = pipelineWith();
    const ingestor = new FakeIngestor();
    ingestor.documents = [
      doc(
        'deploy',
        guide('Run the rollback job to restore the previous release.'),
      ),
    ];
    await pipeline.run(ingestor, signal());

    provider.embeddings.texts = [];
    ingestor.documents = [
      doc(
        'deploy',
        guide('Page the release manager, then revert the feature flag.'),
      ),
    ];
    const run = await pipeline.run(ingestor, signal());

    expect(run).toMatchObject({
      state: 'succeeded',
      chunksEmbedded: 1,
      chunksSkipped: 2,
    });
    // Embedded with where it is: the document's title and the section's heading path.
    expect(provider.embeddings.texts).toEqual([
      'Document deploy\nDeploying > Rollback\n\nPage the release manager, then revert the feature flag.',
    ]);
    const hits = await search('revert the feature flag');
    expect(hits[0].content).toContain('revert the feature flag');
    expect(
      (await search('restore the previous release')).map(h => h.content).join(),
    ).not.toContain('rollback job');
  });

  it('finds a chunk by the heading of its section and names the section and its anchor', async () => {
    const { pipeline, search } = pipelineWith();
    const ingestor = new FakeIngestor();
    ingestor.documents = [
      doc(
        'runbook',
        '# Payments\n\n## Rolling back a release\n\nRun the job named revert-last.\n\n## Scaling\n\nAdd replicas in the values file.',
      ),
    ];
    await pipeline.run(ingestor, signal());

    const [hit] = await search('rolling back payments');
    expect(hit).toMatchObject({
      documentId: 'runbook',
      content: 'Run the job named revert-last.',
      section: 'Payments > Rolling back a release',
      anchor: 'rolling-back-a-release',
    });
  });

  it('removes the chunks of a document the source no longer has', async () => {
    const { pipeline, search } = pipelineWith();
    const ingestor = new FakeIngestor();
    ingestor.documents = [
      doc('deploy', guide('Run the rollback job.')),
      doc('lunch', 'The cafeteria serves lasagne on Fridays.'),
    ];
    await pipeline.run(ingestor, signal());
    expect((await search('lasagne cafeteria'))[0].documentId).toBe('lunch');

    ingestor.documents = ingestor.documents.slice(0, 1);
    const run = await pipeline.run(ingestor, signal());

    expect(run).toMatchObject({
      state: 'succeeded',
      documentsPruned: 1,
      chunksPruned: 1,
    });
    expect(
      (await search('lasagne cafeteria')).map(h => h.documentId),
    ).not.toContain('lunch');
    expect(await store.countBySource()).toEqual(
      new Map([['fake', { documents: 1, chunks: 3 }]]),
    );
  });

  it('prunes nothing when the ingestor fails midway, and the previous index stays searchable', async () => {
    const { pipeline, search } = pipelineWith();
    const ingestor = new FakeIngestor();
    ingestor.documents = [
      doc('a', 'Alpha service runbook: restart the alpha pods.'),
      doc('b', 'Beta service runbook: drain the beta queue.'),
      doc('c', 'Gamma service runbook: rotate the gamma keys.'),
    ];
    await pipeline.run(ingestor, signal());

    ingestor.failAfter = 1;
    const failed = await pipeline.run(ingestor, signal());

    expect(failed.state).toBe('failed');
    expect(failed.error).toContain('source unavailable');
    expect(failed.documentsPruned).toBe(0);
    expect([...(await store.getDocumentStates('fake')).keys()].sort()).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect((await search('rotate the gamma keys'))[0].documentId).toBe('c');
    const [latest] = await runs.list('fake', 1);
    expect(latest).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('source unavailable'),
    });
  });

  it('re-embeds everything on the next run after the embeddings model changes, without manual SQL', async () => {
    const ingestor = new FakeIngestor();
    ingestor.documents = [
      doc('deploy', guide('Run the rollback job.')),
      doc('oncall', 'Escalate to on-call.'),
    ];
    await pipelineWith(
      countingEmbeddingsProvider({ model: 'small', dimensions: 16 }),
    ).pipeline.run(ingestor, signal());

    const { pipeline, provider, search } = pipelineWith(
      countingEmbeddingsProvider({ model: 'large', dimensions: 24 }),
    );
    const run = await pipeline.run(ingestor, signal());

    expect(run).toMatchObject({
      state: 'succeeded',
      chunksEmbedded: 4,
      chunksSkipped: 0,
    });
    expect(provider.embeddings.texts).toHaveLength(4);
    const { rows } = await knex.raw(
      'SELECT DISTINCT embedding_model FROM embeddings',
    );
    expect(rows).toEqual([{ embedding_model: 'fake/large/24' }]);
    expect((await search('escalate to on-call'))[0].documentId).toBe('oncall');
  });

  it('keeps documents an incremental ingestor declares unchanged without re-reading them', async () => {
    const { pipeline, provider } = pipelineWith();
    const ingestor = new FakeIngestor();
    ingestor.documents = [
      doc('readme', 'Readme of the payments service.', { version: 'sha-1' }),
    ];
    await pipeline.run(ingestor, signal());

    provider.embeddings.calls = 0;
    const incremental = {
      id: 'fake',
      async *ingest(context: Parameters<FakeIngestor['ingest']>[0]) {
        if ((await context.getKnownVersion('readme')) === 'sha-1') {
          context.keep('readme');
        }
      },
    };
    const run = await pipeline.run(incremental, signal());

    expect(run).toMatchObject({
      state: 'succeeded',
      documents: 1,
      documentsUnchanged: 1,
      documentsPruned: 0,
    });
    expect(provider.embeddings.calls).toBe(0);
    expect((await store.getDocumentStates('fake')).has('readme')).toBe(true);
  });

  it('repository squatting: rewrites a document whose guards change though its text did not', async () => {
    const { pipeline } = pipelineWith();
    const ingestor = new FakeIngestor();
    const readme = (extra: object) =>
      doc('readme', 'Readme of the payments service.', extra);
    ingestor.documents = [readme({ entityRef: 'component:default/a' })];
    await pipeline.run(ingestor, signal());

    // A second entity of the repository now claims it too: both must guard the stored copy.
    ingestor.documents = [
      readme({
        entityRef: 'component:default/a',
        entityRefs: ['component:default/b'],
      }),
    ];
    const run = await pipeline.run(ingestor, signal());
    expect(run).toMatchObject({ documents: 1, documentsUnchanged: 0 });

    // The same guards, said another way, are the same guards.
    ingestor.documents = [
      readme({ entityRefs: ['component:default/b', 'component:default/a'] }),
    ];
    expect(await pipeline.run(ingestor, signal())).toMatchObject({
      documentsUnchanged: 1,
    });
  });

  it('records a run that times out as failed and prunes nothing', async () => {
    const { pipeline } = pipelineWith();
    const ingestor = new FakeIngestor();
    ingestor.documents = [doc('a', 'Alpha.')];
    await pipeline.run(ingestor, signal());

    const controller = new AbortController();
    controller.abort(new Error('timeout'));
    ingestor.documents = [];
    const run = await pipeline.run(ingestor, controller.signal);

    expect(run).toMatchObject({ state: 'failed', documentsPruned: 0 });
    expect((await store.getDocumentStates('fake')).has('a')).toBe(true);
  });
});
