import type { Knex } from 'knex';

/**
 * Makes sure the pgvector extension is enabled, or explains how to fix it. Without it, no
 * table of the knowledge store can be created, so the backend must not start.
 */
export async function ensureVectorExtension(knex: Knex): Promise<void> {
  const installed = await knex.raw(
    `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
  );
  if (installed.rows.length > 0) {
    return;
  }
  const available = await knex.raw(
    `SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`,
  );
  const database = (await knex.raw('SELECT current_database() AS name')).rows[0]
    .name;
  if (available.rows.length === 0) {
    throw new Error(
      `The AI assistant needs the PostgreSQL extension "vector" (pgvector), which is not installed on the database server of "${database}". ` +
        'Install pgvector on that server (e.g. `apt-get install postgresql-16-pgvector`, or use the pgvector/pgvector Docker image, ' +
        'or enable it in your cloud provider) and restart the backend; it runs CREATE EXTENSION itself.',
    );
  }
  try {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (error) {
    throw new Error(
      `The AI assistant could not enable the PostgreSQL extension "vector" in database "${database}": ${error.message}. ` +
        `Ask a database superuser to run: CREATE EXTENSION IF NOT EXISTS vector; in database "${database}", then restart the backend.`,
    );
  }
}
