import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CountingEmbeddings } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { sha256 } from '../ingestion/chunking';
import { KnowledgeStore } from './KnowledgeStore';
import { embeddingModelKey } from './vectorIndex';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const DIMS = 16;
const model = { key: embeddingModelKey('fake', 'bow', DIMS), dimensions: DIMS };
const words = new CountingEmbeddings(DIMS);

/** The SQL of "Partitioning `embeddings` by source" in docs/architecture.md, as users copy it. */
async function documentedPartitioningSql(): Promise<string> {
  const doc = await readFile(
    resolve(__dirname, '../../../../docs/architecture.md'),
    'utf8',
  );
  const section = doc.split('### Partitioning `embeddings` by source')[1];
  const sql = /```sql\n([\s\S]*?)```/.exec(section ?? '')?.[1];
  if (!sql) throw new Error('No SQL block in the partitioning section');
  return sql;
}

async function write(
  store: KnowledgeStore,
  source: string,
  id: string,
  text: string,
) {
  await store.writeDocument(
    {
      source,
      documentId: id,
      title: `Title ${id}`,
      url: `https://example.com/${id}`,
      contentHash: sha256(text),
      metadata: {},
    },
    [
      {
        content: text,
        contentHash: sha256(text),
        embedding: words.vector(text),
      },
    ],
  );
}

const postgres = databases.ids.filter(id => id === 'POSTGRES_15');

describe.each(postgres.map(id => [id]))(
  'embeddings partitioned by source on %s',
  id => {
    it('keeps ingestion, search and pruning working after the documented SQL, one partition per source', async () => {
      const knex = await databases.init(id);
      const store = KnowledgeStore.create({ knex, model });
      await store.prepareModel();
      await write(store, 'catalog', 'argo', 'Services deploy with Argo CD.');

      await knex.raw(await documentedPartitioningSql());

      // A new store, as after the restart the docs ask for: it recreates the HNSW index.
      const partitioned = KnowledgeStore.create({ knex, model });
      await partitioned.prepareModel();
      await write(
        partitioned,
        'github',
        'readme',
        'The README explains Argo rollbacks.',
      );
      await write(partitioned, 'wiki', 'oncall', 'On-call uses PagerDuty.');
      await partitioned.optimize();

      const placed = await knex.raw(
        `SELECT tableoid::regclass::text AS partition, source FROM embeddings ORDER BY source`,
      );
      expect(placed.rows).toEqual([
        { partition: 'embeddings_catalog', source: 'catalog' },
        { partition: 'embeddings_github', source: 'github' },
        { partition: 'embeddings_other', source: 'wiki' },
      ]);

      const results = await partitioned.search({
        text: 'argo',
        vector: words.vector('argo'),
        limit: 5,
      });
      expect(
        results
          .map(r => r.documentId)
          .slice(0, 2)
          .sort(),
      ).toEqual(['argo', 'readme']);

      // The chunk written before the table was rewritten kept its keyword index.
      const keyword = await partitioned.search({
        text: 'Argo CD',
        vector: words.vector('unrelated'),
        limit: 5,
        mode: 'keyword',
      });
      expect(keyword.map(r => r.documentId)).toEqual(['argo', 'readme']);

      const query = {
        text: 'argo',
        vector: words.vector('argo'),
        limit: 5,
        sources: ['github'],
      };
      expect((await partitioned.search(query)).map(r => r.documentId)).toEqual([
        'readme',
      ]);

      // The HNSW index exists on every partition.
      const hnsw = await knex.raw(
        `SELECT tablename FROM pg_indexes WHERE indexdef ILIKE '%USING hnsw%' ORDER BY tablename`,
      );
      expect(hnsw.rows.map((r: { tablename: string }) => r.tablename)).toEqual(
        expect.arrayContaining([
          'embeddings',
          'embeddings_catalog',
          'embeddings_github',
          'embeddings_other',
        ]),
      );

      const pruned = await partitioned.pruneDocuments('github', new Set());
      expect(pruned).toEqual({ documents: 1, chunks: 1 });
      expect(
        (await knex.raw(`SELECT count(*)::int AS n FROM embeddings_github`))
          .rows[0].n,
      ).toBe(0);

      // The keyword index's term counts followed the writes and the pruning.
      const terms = async () =>
        (
          await knex.raw(
            `SELECT lexeme, chunks FROM keyword_terms WHERE chunks <> 0 ORDER BY lexeme`,
          )
        ).rows;
      const maintained = await terms();
      await partitioned.rebuildKeywordIndex();
      expect(maintained).toEqual(await terms());
    });
  },
);
