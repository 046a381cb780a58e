import { PGlite } from '@electric-sql/pglite';
import knexFactory, { Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
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
      'conversation',
      'conversations',
      'documents',
      'embeddings',
      'ingestion_runs',
      'keyword_terms',
      'message_feedback',
    ]);

    await migrateDownAll(knex);
    expect(await tables(knex)).toEqual([]);

    await migrateUp(knex);
    expect(await tables(knex)).toContain('embeddings');
  });
});

describe('ensureVectorExtension', () => {
  it('fails with a message naming the fix when pgvector is not installed', async () => {
    // A real Postgres without the pgvector extension: PGlite started without it.
    const knex = knexFactory({
      client: ClientPgLite,
      dialect: 'postgres',
      connection: () => ({ pglite: new PGlite() }) as object,
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
