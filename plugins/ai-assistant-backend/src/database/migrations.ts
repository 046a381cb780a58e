import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@ai-assistant/backstage-plugin-ai-assistant-backend',
  'migrations',
);

/** Brings the knowledge store's tables up to date. */
export async function migrateUp(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: migrationsDir,
    tableName: 'ai_assistant_knex_migrations',
  });
}

/** Reverts every migration of the plugin; for tests and uninstalls. */
export async function migrateDownAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback(
    { directory: migrationsDir, tableName: 'ai_assistant_knex_migrations' },
    true,
  );
}
