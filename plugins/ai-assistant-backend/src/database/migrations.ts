import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { isErrorWithName } from '@backstage/errors';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@ai-assistant/backstage-plugin-ai-assistant-backend',
  'migrations',
);
const config = {
  directory: migrationsDir,
  tableName: 'ai_assistant_knex_migrations',
};

/**
 * Brings the knowledge store's tables up to date. When several backends start at once on one
 * database, knex lets one of them migrate and fails the others with MigrationLocked; those
 * wait for the winner instead of failing startup.
 */
export async function migrateUp(
  knex: Knex,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await knex.migrate.latest(config);
      return;
    } catch (error) {
      if (!isErrorWithName(error, 'MigrationLocked') || Date.now() > deadline) {
        throw error;
      }
      await new Promise(resolve =>
        setTimeout(resolve, 250 + Math.random() * 250),
      );
    }
  }
}

/** Reverts every migration of the plugin; for tests and uninstalls. */
export async function migrateDownAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback(config, true);
}
