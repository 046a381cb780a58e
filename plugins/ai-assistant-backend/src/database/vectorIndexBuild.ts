import type { Knex } from 'knex';
import type { VectorIndexPlan } from './vectorIndex';

/**
 * How the HNSW index is built after a bulk load. pgvector builds far faster when the graph
 * fits in `maintenance_work_mem` and with parallel workers; both are set for the building
 * session only.
 */
export interface IndexBuildSettings {
  /** Postgres memory size, e.g. `512MB`. */
  maintenanceWorkMem: string;
  /** `max_parallel_maintenance_workers` of the build (0: the building session alone). */
  parallelWorkers: number;
}

/** Defaults: the sign-bit graph of a million chunks fits (under 512 bytes each); two workers suit small servers. */
export const DEFAULT_INDEX_BUILD: IndexBuildSettings = {
  maintenanceWorkMem: '512MB',
  parallelWorkers: 2,
};

/** A Postgres memory size as `SET maintenance_work_mem` accepts it. */
export const MEMORY_SIZE = /^[1-9][0-9]*\s*(kB|MB|GB|TB)$/;

function isPostgres(knex: Knex): boolean {
  return knex.client.config.client === 'pg';
}

/**
 * Whether `CREATE/DROP INDEX CONCURRENTLY` can be used: on a real Postgres server, when
 * `embeddings` is a plain table (Postgres cannot build a partitioned table's index
 * concurrently; docs/architecture.md shows how operators partition it by source).
 */
async function canRunConcurrently(knex: Knex): Promise<boolean> {
  if (!isPostgres(knex)) return false;
  const { rows } = await knex.raw(
    `SELECT relkind FROM pg_class WHERE oid = 'embeddings'::regclass`,
  );
  return rows[0]?.relkind === 'r';
}

/** Runs `fn` on one connection of the pool, so session settings apply to its statements. */
async function onOneConnection<T>(
  knex: Knex,
  fn: (
    run: (sql: string, bindings?: Knex.RawBinding[]) => Promise<unknown>,
  ) => Promise<T>,
): Promise<T> {
  const connection = await knex.client.acquireConnection();
  try {
    return await fn((sql, bindings = []) =>
      knex.raw(sql, bindings).connection(connection),
    );
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/**
 * Drops a model's HNSW index before a bulk load. Concurrently where possible, so searches
 * running at that moment are not blocked by the table lock a plain DROP INDEX takes.
 */
export async function dropVectorIndex(
  knex: Knex,
  plan: VectorIndexPlan,
): Promise<void> {
  if (!plan.index) return;
  const concurrently = (await canRunConcurrently(knex)) ? 'CONCURRENTLY ' : '';
  await knex.raw(`DROP INDEX ${concurrently}IF EXISTS ??`, [plan.index.name]);
}

/**
 * Builds a model's HNSW index over the chunks already stored, with the bulk-build settings.
 * On Postgres concurrently, so ingestion runs of other sources keep writing meanwhile; an
 * invalid index left by an interrupted concurrent build is dropped first, as `IF NOT EXISTS`
 * would otherwise keep it.
 */
export async function buildVectorIndex(
  knex: Knex,
  plan: VectorIndexPlan,
  settings: IndexBuildSettings,
): Promise<void> {
  const index = plan.index;
  if (!index) return;
  if (!(await canRunConcurrently(knex))) {
    await knex.transaction(async trx => {
      if (isPostgres(trx)) {
        await setBuildSettings(
          sql => trx.raw(sql, buildBindings(settings)),
          true,
        );
      }
      await trx.raw(index.ddl);
    });
    return;
  }
  await onOneConnection(knex, async run => {
    const invalid = (await run(
      `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = ? AND NOT i.indisvalid`,
      [index.name],
    )) as { rows: unknown[] };
    if (invalid.rows.length > 0) {
      await run(`DROP INDEX CONCURRENTLY IF EXISTS ??`, [index.name]);
    }
    await setBuildSettings(sql => run(sql, buildBindings(settings)), false);
    try {
      await run(
        index.ddl.replace(/^CREATE INDEX /, 'CREATE INDEX CONCURRENTLY '),
      );
    } catch (error) {
      // Another backend built it at the same moment.
      if ((error as { code?: string }).code !== '42P07') throw error;
    } finally {
      // The connection goes back to the pool: later statements get the defaults again.
      await run('RESET maintenance_work_mem');
      await run('RESET max_parallel_maintenance_workers');
    }
  });
}

function buildBindings(settings: IndexBuildSettings): Knex.RawBinding[] {
  return [
    'maintenance_work_mem',
    settings.maintenanceWorkMem.replace(/\s+/g, ''),
    'max_parallel_maintenance_workers',
    String(settings.parallelWorkers),
  ];
}

async function setBuildSettings(
  run: (sql: string) => Promise<unknown>,
  local: boolean,
): Promise<void> {
  await run(`SELECT set_config(?, ?, ${local}), set_config(?, ?, ${local})`);
}
