import pgvector from 'pgvector';
import type { Knex } from 'knex';
import { CountingEmbeddings } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { KnowledgeStore } from './KnowledgeStore';
import { EmbeddingModel, embeddingModelKey } from './vectorIndex';
import { sha256 } from '../ingestion/chunking';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const DIMS = 16;
const model: EmbeddingModel = {
  key: embeddingModelKey('fake', 'bow', DIMS),
  dimensions: DIMS,
};
const words = new CountingEmbeddings(DIMS);

async function write(
  store: KnowledgeStore,
  source: string,
  id: string,
  chunks: string[],
  extra: {
    entityRef?: string;
    embed?: (text: string) => number[];
  } = {},
) {
  const embed = extra.embed ?? ((text: string) => words.vector(text));
  await store.writeDocument(
    {
      source,
      documentId: id,
      title: `Title ${id}`,
      url: `https://example.com/${id}`,
      entityRef: extra.entityRef,
      contentHash: sha256(chunks.join('\n')),
      metadata: { kind: 'test' },
    },
    chunks.map(content => ({
      content,
      contentHash: sha256(content),
      embedding: embed(content),
    })),
  );
}

const query = (
  text: string,
  extra: Partial<Parameters<KnowledgeStore['search']>[0]> = {},
) => ({
  text,
  vector: words.vector(text),
  limit: 5,
  ...extra,
});

describe.each(databases.eachId())('KnowledgeStore on %s', databaseId => {
  let knex: Knex;
  let store: KnowledgeStore;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    store = KnowledgeStore.create({ knex, model });
  });

  it('stores a document with its chunks and reports its state', async () => {
    await write(store, 'docs', 'a', [
      'kubernetes deployment guide',
      'rollback steps',
    ]);
    const states = await store.getDocumentStates('docs');
    expect(states.get('a')).toMatchObject({
      embeddingModel: model.key,
      chunkCount: 2,
    });
    expect(await store.countBySource()).toEqual(
      new Map([['docs', { documents: 1, chunks: 2 }]]),
    );

    // Writing again replaces the chunks instead of adding to them.
    await write(store, 'docs', 'a', ['only one chunk now']);
    expect((await store.getDocumentStates('docs')).get('a')?.chunkCount).toBe(
      1,
    );
    const { rows } = await knex.raw(
      `SELECT content FROM embeddings WHERE document_id = 'a'`,
    );
    expect(rows).toEqual([{ content: 'only one chunk now' }]);
  });

  it('finds chunks by meaning and by keyword and fuses both rankings', async () => {
    await write(store, 'docs', 'k8s', [
      'how to deploy the payments service to kubernetes',
    ]);
    await write(store, 'docs', 'lunch', [
      'the cafeteria lunch menu for this week',
    ]);
    await write(store, 'docs', 'oncall', [
      'on-call rotation and escalation policy for incidents',
    ]);
    // A keyword the vector leg cannot see (its vector is unrelated), found by full-text search.
    await write(
      store,
      'docs',
      'error',
      ['ERR_PGVECTOR_4711 means the index is missing'],
      {
        embed: () => words.vector('completely unrelated filler text'),
      },
    );

    const results = await store.search(query('deploy payments to kubernetes'));
    expect(results[0]).toMatchObject({
      documentId: 'k8s',
      title: 'Title k8s',
      url: 'https://example.com/k8s',
      source: 'docs',
      metadata: { kind: 'test' },
    });
    expect(results[0].score).toBeGreaterThan(results[results.length - 1].score);

    const keyword = await store.search(query('ERR_PGVECTOR_4711'));
    expect(keyword[0].documentId).toBe('error');
  });

  it('filters by source and by entity ref', async () => {
    await write(store, 'catalog', 'svc', ['payments service owned by team a'], {
      entityRef: 'component:default/payments',
    });
    await write(store, 'github', 'readme', ['payments service readme'], {
      entityRef: 'component:default/payments',
    });
    await write(store, 'github', 'other', ['payments gateway readme'], {
      entityRef: 'component:default/gateway',
    });

    const github = await store.search(
      query('payments', { sources: ['github'] }),
    );
    expect(github.map(r => r.documentId).sort()).toEqual(['other', 'readme']);

    const entity = await store.search(
      query('payments', { entityRefs: ['component:default/payments'] }),
    );
    expect(entity.map(r => r.documentId).sort()).toEqual(['readme', 'svc']);
    expect(
      entity.every(r => r.entityRef === 'component:default/payments'),
    ).toBe(true);
  });

  it('prunes documents that are not kept, with their chunks', async () => {
    await write(store, 'docs', 'keep', ['kept text']);
    await write(store, 'docs', 'drop', ['dropped text', 'more dropped text']);
    await write(store, 'other', 'drop', ['another source is untouched']);

    expect(await store.pruneDocuments('docs', new Set(['keep']))).toEqual({
      documents: 1,
      chunks: 2,
    });
    expect([...(await store.getDocumentStates('docs')).keys()]).toEqual([
      'keep',
    ]);
    expect((await store.getDocumentStates('other')).size).toBe(1);
    const results = await store.search(query('dropped text'));
    expect(results.map(r => `${r.source}/${r.documentId}`)).not.toContain(
      'docs/drop',
    );
  });

  it('indexes 768- and 3,072-dimension models on their sign bits and a 384-dimension one at full precision, and searches only the current model', async () => {
    const small: EmbeddingModel = {
      key: embeddingModelKey('ollama', 'nomic-embed-text', 768),
      dimensions: 768,
    };
    const large: EmbeddingModel = {
      key: embeddingModelKey('azureOpenAi', 'text-embedding-3-large', 3072),
      dimensions: 3072,
    };
    const smallWords = new CountingEmbeddings(768);
    const largeWords = new CountingEmbeddings(3072);
    const indexes = async () =>
      (
        await knex.raw(
          `SELECT indexdef FROM pg_indexes WHERE tablename = 'embeddings' AND indexname LIKE 'embeddings_hnsw_%'`,
        )
      ).rows.map((r: { indexdef: string }) => r.indexdef);

    await KnowledgeStore.create({
      knex,
      model: { key: 'local/words/384', dimensions: 384 },
    }).prepareModel();
    expect(await indexes()).toEqual([
      expect.stringMatching(
        /USING hnsw \(\(\(?embedding\)?::vector\(384\)\) vector_cosine_ops\)/,
      ),
    ]);
    const smallStore = KnowledgeStore.create({ knex, model: small });
    await smallStore.prepareModel();
    expect(await indexes()).toEqual([
      expect.stringMatching(
        /USING hnsw \(\(?\(?binary_quantize\(embedding\)\)?::bit\(768\)\) bit_hamming_ops\)/,
      ),
    ]);
    await write(smallStore, 'docs', 'old', ['kubernetes deployment'], {
      embed: t => smallWords.vector(t),
    });

    const largeStore = KnowledgeStore.create({ knex, model: large });
    await largeStore.prepareModel();
    expect(await indexes()).toEqual([
      expect.stringMatching(
        /USING hnsw \(\(?\(?binary_quantize\(embedding\)\)?::bit\(3072\)\) bit_hamming_ops\)/,
      ),
    ]);
    await write(largeStore, 'docs', 'new', ['kubernetes deployment too'], {
      embed: t => largeWords.vector(t),
    });

    const results = await largeStore.search({
      text: 'unrelated words',
      vector: largeWords.vector('kubernetes deployment'),
      limit: 5,
    });
    // The old model's chunk is neither a vector hit nor a keyword hit for this text: no stale vectors.
    expect(results.map(r => r.documentId)).toEqual(['new']);
  });

  it('uses the HNSW index for the vector leg and the GIN index for the text leg on 10,000 chunks', async () => {
    await knex.raw(
      `INSERT INTO documents (source, document_id, title, url, content_hash, embedding_model, chunk_count)
       SELECT 'bulk', 'd' || g, 'Doc ' || g, '/d/' || g, 'h', ?, 1 FROM generate_series(1, 10000) g`,
      [model.key],
    );
    await knex.raw(
      `INSERT INTO embeddings (source, document_id, chunk_index, content, content_hash, embedding, embedding_model, tsv)
       SELECT 'bulk', 'd' || n, 0, content, 'h',
              (SELECT array_agg(random())::real[] FROM generate_series(1, ${DIMS}) AS d(i) WHERE n > 0)::vector, ?,
              to_tsvector('english', content)
       FROM generate_series(1, 10000) AS g(n),
            LATERAL (SELECT 'chunk about topic ' || (n % 100) || ' and word' || n AS content) c`,
      [model.key],
    );
    // Chunks loaded around the store: the keyword index's term counts are recounted.
    await store.rebuildKeywordIndex();
    await store.optimize();

    // The query's vector is d4242's own, and its text names d4242's unique word.
    const { rows } = await knex.raw(
      `SELECT embedding::text AS v FROM embeddings WHERE document_id = 'd4242'`,
    );
    const bulkQuery = {
      text: 'word4242',
      vector: pgvector.fromSql(rows[0].v) as number[],
      limit: 10,
    };
    const plan = await store.explainSearch(bulkQuery);
    expect(plan).toMatch(
      /Index Scan using embeddings_hnsw_[0-9a-f]+ on embeddings/,
    );
    expect(plan).toMatch(/Bitmap Index Scan on embeddings_tsv_idx/);
    const results = await store.search(bulkQuery);
    expect(results).toHaveLength(10);
    expect(results[0].documentId).toBe('d4242');

    // A word every chunk has neither turns the keyword leg away from its index nor outranks the rare one.
    const common = {
      ...bulkQuery,
      text: 'topic word4242',
      mode: 'keyword' as const,
    };
    expect(await store.explainSearch(common)).toMatch(
      /Bitmap Index Scan on embeddings_tsv_idx/,
    );
    expect((await store.search(common))[0].documentId).toBe('d4242');
  });

  it('serves a 768-dimension model from its sign-bit index and ranks the candidates by their exact distance', async () => {
    const wide: EmbeddingModel = { key: 'fake/wide/768', dimensions: 768 };
    const wideStore = KnowledgeStore.create({ knex, model: wide });
    await wideStore.prepareModel();
    await knex.raw(
      `INSERT INTO documents (source, document_id, title, url, content_hash, embedding_model, chunk_count)
       SELECT 'wide', 'd' || g, 'Doc ' || g, '/d/' || g, 'h', ?, 1 FROM generate_series(1, 3000) g`,
      [wide.key],
    );
    await knex.raw(
      `INSERT INTO embeddings (source, document_id, chunk_index, content, content_hash, embedding, embedding_model, tsv)
       SELECT 'wide', 'd' || n, 0, 'chunk ' || n, 'h',
              (SELECT array_agg(random() - 0.5)::real[] FROM generate_series(1, 768) AS d(i) WHERE n > 0)::vector, ?, ''
       FROM generate_series(1, 3000) AS g(n)`,
      [wide.key],
    );
    // The query: 384 strong components and 384 faint ones. Nine neighbours differ from it
    // slightly (more for each) and flip the signs of 40 faint components, so their bits are
    // 40 apart from the query's; fifty decoys share every sign with it but not the
    // magnitudes, so their bits match exactly while they lie far away. The bit index ranks
    // the decoys first; only the exact re-rank of its candidates finds the neighbours.
    const sign = (i: number) => (Math.sin(i * 12.9898) > 0 ? 1 : -1);
    const vector = Array.from({ length: 768 }, (_, i) =>
      i < 384 ? sign(i) : sign(i) * 0.001,
    );
    const planted = async (documentId: string, v: number[]) =>
      knex.raw(`UPDATE embeddings SET embedding = ? WHERE document_id = ?`, [
        pgvector.toSql(v),
        documentId,
      ]);
    for (let p = 1; p <= 9; p++) {
      await planted(
        `d${p}`,
        vector.map((x, i) =>
          i >= 384 && i < 424 ? -x : x + (i < 384 ? p * 0.01 * sign(i * p) : 0),
        ),
      );
    }
    for (let d = 100; d < 150; d++) {
      await planted(
        `d${d}`,
        vector.map((_, i) => sign(i) * Math.abs(Math.sin(i * d))),
      );
    }
    const wideQuery = {
      text: 'unrelated',
      vector,
      limit: 9,
      mode: 'vector' as const,
    };
    expect(await wideStore.explainSearch(wideQuery)).toMatch(
      /Index Scan using embeddings_hnsw_[0-9a-f]+ on embeddings/,
    );
    const results = await wideStore.search(wideQuery);
    expect(results.map(r => r.documentId)).toEqual(
      Array.from({ length: 9 }, (_, p) => `d${p + 1}`),
    );
  });
});
