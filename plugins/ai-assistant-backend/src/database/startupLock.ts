import type { Knex } from 'knex';

/**
 * Runs `fn` while holding a PostgreSQL advisory lock, so that backends starting at the same
 * instant on one database take turns.
 *
 * The knowledge store's own first migration needs it (knex creates its migration tables
 * without a lock), and so does Backstage's scheduler: its first `scheduleTask` in a plugin migrates the
 * scheduler's own tables (`backstage_backend_tasks*`) without waiting for another backend
 * doing the same, and the loser fails with "duplicate key value" or "relation already exists"
 * on `backstage_backend_tasks__knex_migrations`, failing the plugin's startup. Holding the
 * lock while the ingestion task is scheduled lets the second backend find the tables made.
 * The lock lives in a transaction, so it is released however `fn` ends.
 */
export async function withStartupLock<T>(
  knex: Knex,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  return knex.transaction(async trx => {
    await trx.raw(`SELECT pg_advisory_xact_lock(hashtext(?))`, [name]);
    return fn();
  });
}
