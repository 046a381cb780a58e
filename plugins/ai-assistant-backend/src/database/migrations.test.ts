import { PGlite } from '@electric-sql/pglite';
import knexFactory, { Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { resolve } from 'node:path';
import { KnowledgeStore } from './KnowledgeStore';
import { migrateDownAll, migrateUp } from './migrations';
import { ensureVectorExtension } from './vectorExtension';

jest.setTimeout(60_000);

const databases = knowledgeTestDatabases();

const tables = async (knex: Knex) =>
  (
    await knex.raw(
      `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'ai_assistant_knex_migrations%' ORDER BY tablename`,
    )
  ).rows.map((row: { tablename: string }) => row.tablename);

describe.each(databases.eachId())('migrations on %s', databaseId => {
  it('create the tables the deployment guide names, and roll back to nothing', async () => {
    const knex = await databases.init(databaseId);
    expect(await tables(knex)).toEqual([
      'chat_usage',
      'conversation',
      'conversation_action_approvals',
      'conversations',
      'documents',
      'embeddings',
      'ingestion_requests',
      'ingestion_runs',
      'keyword_terms',
      'message_feedback',
      'message_retrieval',
    ]);

    await migrateDownAll(knex);
    expect(await tables(knex)).toEqual([]);

    await migrateUp(knex);
    expect(await tables(knex)).toContain('embeddings');
  });
});

const migrationConfig = {
  directory: resolve(__dirname, '../../migrations'),
  tableName: 'ai_assistant_knex_migrations',
};

describe.each(databases.eachId())(
  'keyword index migration on %s',
  databaseId => {
    it('keeps chunks stored before it searchable by keyword, with their terms counted', async () => {
      const knex = await databases.init(databaseId);
      // Back to the schema before the keyword index: tsv generated from the text.
      while (
        (await knex.migrate.list(migrationConfig))[0].some(
          (done: { name: string }) => done.name.includes('keyword_index'),
        )
      ) {
        await knex.migrate.down(migrationConfig);
      }
      await knex('documents').insert({
        source: 'docs',
        document_id: 'old',
        title: 'Old',
        url: 'https://docs.example.com/old',
        content_hash: 'h',
        embedding_model: 'fake/bow/3',
        chunk_count: 1,
      });
      await knex('embeddings').insert({
        source: 'docs',
        document_id: 'old',
        chunk_index: 0,
        content: 'Rotate the vault tokens monthly.',
        content_hash: 'h',
        embedding: '[1,0,0]',
        embedding_model: 'fake/bow/3',
      });

      await migrateUp(knex);

      const model = { key: 'fake/bow/3', dimensions: 3 };
      const store = KnowledgeStore.create({ knex, model });
      const results = await store.search({
        text: 'vault tokens',
        vector: [0, 1, 0],
        limit: 5,
        mode: 'keyword',
      });
      expect(results.map(r => r.content)).toEqual([
        'Rotate the vault tokens monthly.',
      ]);
      const terms = async () =>
        (
          await knex.raw(
            `SELECT lexeme, chunks FROM keyword_terms ORDER BY lexeme`,
          )
        ).rows;
      const migrated = await terms();
      expect(migrated).toContainEqual({ lexeme: 'vault', chunks: 1 });
      await store.rebuildKeywordIndex();
      expect(migrated).toEqual(await terms());
    });
  },
);

describe('ensureVectorExtension', () => {
  it('fails with a message naming the fix when pgvector is not installed', async () => {
    // A real Postgres without the pgvector extension: PGlite started without it. Started
    // before knex, whose pool would count a slow WASM start (busy machine) as a timeout.
    const pglite = new PGlite();
    await pglite.waitReady;
    const knex = knexFactory({
      client: ClientPgLite,
      dialect: 'postgres',
      connection: () => ({ pglite }) as object,
    } as Knex.Config);
    try {
      await expect(ensureVectorExtension(knex)).rejects.toThrow(
        /extension "vector" \(pgvector\), which is not installed.*Install pgvector/,
      );
    } finally {
      await knex.destroy();
    }
  });
});
