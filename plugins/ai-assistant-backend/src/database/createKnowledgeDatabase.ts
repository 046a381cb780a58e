import type {
  DatabaseService,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import knexFactory, { Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { migrateUp } from './migrations';
import { ensureVectorExtension } from './vectorExtension';

/** Where the knowledge store lives, and how it got there. */
export interface KnowledgeDatabase {
  knex: Knex;
  /** `postgres` when using the Backstage database, `pglite` for the embedded fallback. */
  kind: 'postgres' | 'pglite';
}

/**
 * Opens the knowledge store: the plugin's own Backstage database when it is PostgreSQL,
 * otherwise an embedded PGlite (Postgres + pgvector in-process), in memory or in `dataDir`.
 * Either way the same migrations run, unless Backstage is told to skip them.
 */
export async function createKnowledgeDatabase(options: {
  database: DatabaseService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  pgliteDataDir?: string;
}): Promise<KnowledgeDatabase> {
  const { database, logger, lifecycle, pgliteDataDir } = options;
  const client = await database.getClient();
  if (client.client.config.client === 'pg') {
    await ensureVectorExtension(client);
    if (!database.migrations?.skip) {
      await migrateUp(client);
    }
    return { knex: client, kind: 'postgres' };
  }

  logger.info(
    pgliteDataDir
      ? `Backstage database is not PostgreSQL; keeping the AI assistant knowledge store in embedded PGlite at ${pgliteDataDir}`
      : 'Backstage database is not PostgreSQL; keeping the AI assistant knowledge store in embedded PGlite in memory (set aiAssistant.storage.pglite.dataDir to keep it across restarts)',
  );
  const knex = await openPglite(pgliteDataDir);
  lifecycle.addShutdownHook(() => knex.destroy());
  return { knex, kind: 'pglite' };
}

/** Opens (and migrates) an embedded PGlite database with pgvector enabled. */
export async function openPglite(dataDir?: string): Promise<Knex> {
  const pglite = new PGlite({ dataDir, extensions: { vector } });
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
  } as Knex.Config);
  await ensureVectorExtension(knex);
  await migrateUp(knex);
  return knex;
}
