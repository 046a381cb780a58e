import type { Knex } from 'knex';
import { openPglite } from '../database/createKnowledgeDatabase';
import { migrateUp } from '../database/migrations';
import { ensureVectorExtension } from '../database/vectorExtension';

/**
 * Gives an empty PostgreSQL database the plugin's schema, as the plugin does at startup:
 * enables pgvector, then runs the plugin's migrations. For benchmarks and evaluation
 * harnesses that drive the knowledge store on a database of their own.
 *
 * @public
 */
export async function prepareKnowledgeDatabase(knex: Knex): Promise<void> {
  await ensureVectorExtension(knex);
  await migrateUp(knex);
}

/**
 * Opens an embedded PGlite database with pgvector and the plugin's schema, the store the
 * plugin uses when no PostgreSQL is configured. For harnesses that must run without a
 * database server (e.g. `yarn eval`); destroy the returned knex to close it.
 *
 * @public
 */
export function openPgliteKnowledgeDatabase(): Promise<Knex> {
  return openPglite();
}
