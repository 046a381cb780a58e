import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { openPglite } from '../database/createKnowledgeDatabase';
import { migrateUp } from '../database/migrations';
import { ensureVectorExtension } from '../database/vectorExtension';

/** The databases every store test runs on. */
export type KnowledgeDatabaseId = 'POSTGRES_15' | 'PGLITE';

const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * Native Postgres + pgvector (when `BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING`
 * points at a server) and embedded PGlite. In CI a missing server is an error, never a skip.
 * Call at the top level of a test file.
 */
export function knowledgeTestDatabases() {
  const hasPostgres = Boolean(process.env[PG_ENV]);
  if (!hasPostgres && process.env.CI) {
    throw new Error(
      `${PG_ENV} is not set: CI must run the Postgres + pgvector suites (see .ci/setup-postgres.sh)`,
    );
  }
  const ids: KnowledgeDatabaseId[] = hasPostgres
    ? ['POSTGRES_15', 'PGLITE']
    : ['PGLITE'];
  const postgres = hasPostgres
    ? TestDatabases.create({ ids: ['POSTGRES_15'] })
    : undefined;
  const opened: Knex[] = [];
  afterAll(async () => {
    await Promise.all(opened.splice(0).map(knex => knex.destroy()));
  });

  return {
    ids,
    /** Each id as a jest `describe.each` table. */
    eachId: () => ids.map(id => [id] as [KnowledgeDatabaseId]),
    /** A fresh, migrated, empty database. */
    async init(id: KnowledgeDatabaseId): Promise<Knex> {
      if (id === 'PGLITE') {
        const knex = await openPglite();
        opened.push(knex);
        return knex;
      }
      const knex = await postgres!.init('POSTGRES_15');
      await ensureVectorExtension(knex);
      await migrateUp(knex);
      return knex;
    },
  };
}

if (!process.env[PG_ENV] && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(
    `${PG_ENV} is not set: store tests run on embedded PGlite only. Run \`npm test\` from the repository root to start a local Postgres + pgvector.`,
  );
}
