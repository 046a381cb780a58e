import type {
  DatabaseService,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import knexFactory, { Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import type { AiAssistantMetrics } from '../metrics/AiAssistantMetrics';
import { instrumentKnex } from '../metrics/instrumentKnex';
import { migrateUp } from './migrations';
import { withStartupLock } from './startupLock';
import { ensureVectorExtension } from './vectorExtension';

/** Where the knowledge store lives, and how it got there. */
export interface KnowledgeDatabase {
  knex: Knex;
  /** `postgres` when using the Backstage database, `pglite` for the embedded fallback. */
  kind: 'postgres' | 'pglite';
  /** The read replica that retrieval searches use, when one is configured. */
  readReplica?: Knex;
}

/** A knex `pg` connection: a connection string or an object of `pg` client settings. */
export type ReadReplicaConnection = string | Record<string, unknown>;

/** `application_name` of replica connections that do not set their own, to spot them in `pg_stat_activity`. */
export const READ_REPLICA_APPLICATION_NAME =
  'backstage-ai-assistant-read-replica';

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
  /** `aiAssistant.storage.readReplica.connection`: where retrieval searches read. */
  readReplica?: ReadReplicaConnection;
  metrics?: AiAssistantMetrics;
}): Promise<KnowledgeDatabase> {
  const { database, logger, lifecycle, pgliteDataDir, metrics } = options;
  const client = await database.getClient();
  if (client.client.config.client === 'pg') {
    // Replicas starting at the same instant would race creating the extension and knex's
    // migration tables; the lock makes them take turns.
    await withStartupLock(client, 'ai-assistant:migrate', async () => {
      await ensureVectorExtension(client);
      if (!database.migrations?.skip) {
        await migrateUp(client);
      }
    });
    if (metrics) {
      instrumentKnex(client, { logger, metrics, role: 'primary' });
    }
    if (!options.readReplica) {
      return { knex: client, kind: 'postgres' };
    }
    const readReplica = openReadReplica(options.readReplica, logger);
    lifecycle.addShutdownHook(() => readReplica.destroy());
    if (metrics) {
      instrumentKnex(readReplica, { logger, metrics, role: 'read-replica' });
    }
    logger.info(
      'AI assistant retrieval searches read from the configured read replica (aiAssistant.storage.readReplica)',
    );
    return { knex: client, kind: 'postgres', readReplica };
  }
  if (options.readReplica) {
    throw new Error(
      'aiAssistant.storage.readReplica is set, but the Backstage database is not PostgreSQL, so the knowledge store is embedded and has no replica. ' +
        'Remove aiAssistant.storage.readReplica, or set backend.database.client to pg.',
    );
  }

  logger.info(
    pgliteDataDir
      ? `Backstage database is not PostgreSQL; keeping the AI assistant knowledge store in embedded PGlite at ${pgliteDataDir}`
      : 'Backstage database is not PostgreSQL; keeping the AI assistant knowledge store in embedded PGlite in memory (set aiAssistant.storage.pglite.dataDir to keep it across restarts)',
  );
  const knex = await openPglite(pgliteDataDir);
  lifecycle.addShutdownHook(() => knex.destroy());
  if (metrics) {
    instrumentKnex(knex, { logger, metrics, role: 'primary' });
  }
  return { knex, kind: 'pglite' };
}

/**
 * Opens a pool on a read replica of the Backstage database. Nothing runs migrations or
 * writes there; connections open on first use, so a replica that is down only costs the
 * searches that fall back to the primary.
 */
export function openReadReplica(
  connection: ReadReplicaConnection,
  logger?: LoggerService,
): Knex {
  // pg lets parameters in a connection string win over these defaults.
  const settings =
    typeof connection === 'string'
      ? {
          connectionString: connection,
          application_name: READ_REPLICA_APPLICATION_NAME,
        }
      : { application_name: READ_REPLICA_APPLICATION_NAME, ...connection };
  return knexFactory({
    client: 'pg',
    connection: settings,
    pool: { min: 0, max: 10 },
    // knex writes pool trouble (e.g. a refused connection) to the console unless given a log.
    ...(logger && {
      log: {
        warn: (message: unknown) =>
          logger.warn(`AI assistant read replica: ${message}`),
        error: (message: unknown) =>
          logger.error(`AI assistant read replica: ${message}`),
        debug: () => {},
        deprecate: () => {},
      },
    }),
  });
}

/** Opens (and migrates) an embedded PGlite database with pgvector enabled. */
export async function openPglite(dataDir?: string): Promise<Knex> {
  const pglite = new PGlite({ dataDir, extensions: { vector } });
  // Starting PGlite (its WASM initdb) takes over 30 s on a busy machine; waited for inside
  // knex's pool it would count against the pool's 30 s create timeout and fail startup.
  await pglite.waitReady;
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
  } as Knex.Config);
  await ensureVectorExtension(knex);
  await migrateUp(knex);
  return knex;
}
