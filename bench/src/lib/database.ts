import knexFactory, { Knex } from 'knex';
import { prepareKnowledgeDatabase } from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';

/** The Postgres + pgvector server the benchmarks create their databases on. */
export const SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:54329';

/** A fresh database with the plugin's schema, dropped again by `drop`. */
export interface BenchDatabase {
  name: string;
  /** Connection string of the database, for a backend under test. */
  url: string;
  knex: Knex;
  drop(): Promise<void>;
}

function connect(database: string, poolMax = 4): Knex {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: poolMax },
  });
}

/**
 * Creates a database named after the benchmark and this process, with pgvector and the
 * plugin's migrations, so runs never share state and nothing is left behind.
 */
export async function createBenchDatabase(
  label: string,
  options: {
    migrate?: boolean;
    poolMax?: number;
    /** Server settings for every session of the database, e.g. `maintenance_work_mem`. */
    settings?: Record<string, string>;
  } = {},
): Promise<BenchDatabase> {
  const name = `bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = connect('postgres', 1);
  try {
    await admin.raw(`CREATE DATABASE ??`, [name]);
    for (const [setting, value] of Object.entries(options.settings ?? {})) {
      // Utility statements take no parameters; the values are our own constants.
      await admin.raw(
        `ALTER DATABASE ?? SET ?? = '${value.replace(/'/g, "''")}'`,
        [name, setting],
      );
    }
  } finally {
    await admin.destroy();
  }
  const knex = connect(name, options.poolMax);
  // Without migrations (a backend under test migrates its own), the backend also enables
  // pgvector itself at startup.
  if (options.migrate !== false) {
    await prepareKnowledgeDatabase(knex);
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    knex,
    async drop() {
      await knex.destroy();
      if (process.env.BENCH_KEEP_DATABASES) {
        console.error(`kept database ${name}`);
        return;
      }
      const cleanup = connect('postgres', 1);
      try {
        await cleanup.raw(`DROP DATABASE IF EXISTS ?? WITH (FORCE)`, [name]);
      } finally {
        await cleanup.destroy();
      }
    },
  };
}
