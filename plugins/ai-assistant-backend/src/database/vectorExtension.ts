import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import {
  MAX_HALFVEC_INDEX_DIMENSIONS,
  MAX_VECTOR_INDEX_DIMENSIONS,
} from './vectorIndex';

/**
 * The first pgvector with `halfvec` and `binary_quantize`. Above MAX_VECTOR_INDEX_DIMENSIONS
 * the store indexes one of them, so older versions cannot serve such a model; above
 * MAX_HALFVEC_INDEX_DIMENSIONS an older version still searches exactly.
 */
export const HALFVEC_MIN_VERSION = '0.7.0';

/** The installed pgvector version (e.g. `0.8.0`), or undefined when it is not installed. */
export async function vectorExtensionVersion(
  knex: Knex,
): Promise<string | undefined> {
  const result = await knex.raw<{ rows: Array<{ extversion: string }> }>(
    `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
  );
  return result.rows[0]?.extversion;
}

/** Whether pgvector `version` is at least `minimum` (both `major.minor[.patch]`). */
export function isVectorVersionAtLeast(
  version: string,
  minimum: string,
): boolean {
  const parse = (v: string) =>
    v.split('.').map(part => parseInt(part, 10) || 0);
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) {
      return (a[i] ?? 0) > (b[i] ?? 0);
    }
  }
  return true;
}

/**
 * Why pgvector `version` cannot serve an embeddings model of `dimensions`, with the fix; or
 * undefined when it can.
 */
export function vectorVersionProblem(options: {
  version: string;
  dimensions: number;
  database: string;
}): string | undefined {
  const { version, dimensions, database } = options;
  if (
    dimensions <= MAX_VECTOR_INDEX_DIMENSIONS ||
    dimensions > MAX_HALFVEC_INDEX_DIMENSIONS ||
    isVectorVersionAtLeast(version, HALFVEC_MIN_VERSION)
  ) {
    return undefined;
  }
  return (
    `The AI assistant's embeddings model has ${dimensions} dimensions, and pgvector indexes more than ${MAX_VECTOR_INDEX_DIMENSIONS} only as halfvec, ` +
    `which needs pgvector ${HALFVEC_MIN_VERSION} or newer; database "${database}" has pgvector ${version}. ` +
    `Install pgvector ${HALFVEC_MIN_VERSION} or newer on the database server (e.g. the pgvector/pgvector:pg16 image, postgresql-16-pgvector from the PostgreSQL apt repository, ` +
    `or your cloud provider's current pgvector), then run ALTER EXTENSION vector UPDATE; in database "${database}" and restart the backend. ` +
    `Or use at most ${MAX_VECTOR_INDEX_DIMENSIONS} dimensions (e.g. aiAssistant.embeddings.azureOpenAi.dimensions: 1536 for text-embedding-3-large; this re-embeds every document).`
  );
}

/**
 * Fails the start when the server's pgvector cannot index the embeddings model's vectors,
 * rather than at the first ingestion with "type halfvec does not exist". On pgvector 0.7 and
 * later every dimension works, so the model's dimensions are only asked for on older servers
 * (`dimensions` may then call the provider once, when the provider does not declare them).
 */
export async function assertVectorSupportsModel(options: {
  knex: Knex;
  dimensions: number | (() => Promise<number>);
  logger: LoggerService;
}): Promise<void> {
  const { knex, logger } = options;
  const version = await vectorExtensionVersion(knex);
  if (!version || isVectorVersionAtLeast(version, HALFVEC_MIN_VERSION)) {
    return;
  }
  const database = await currentDatabase(knex);
  let dimensions: number;
  try {
    dimensions =
      typeof options.dimensions === 'number'
        ? options.dimensions
        : await options.dimensions();
  } catch (error) {
    logger.warn(
      `Database "${database}" has pgvector ${version}, which cannot index embeddings of more than ${MAX_VECTOR_INDEX_DIMENSIONS} dimensions ` +
        `(e.g. text-embedding-3-large's 3072), and the embeddings provider could not be asked for its model's dimensions. ` +
        `If ingestion then fails, install pgvector ${HALFVEC_MIN_VERSION} or newer and run ALTER EXTENSION vector UPDATE; in that database.`,
      { error: error instanceof Error ? error.message : String(error) },
    );
    return;
  }
  const problem = vectorVersionProblem({ version, dimensions, database });
  if (problem) {
    throw new Error(problem);
  }
}

async function currentDatabase(knex: Knex): Promise<string> {
  const { rows } = await knex.raw<{ rows: Array<{ name: string }> }>(
    'SELECT current_database() AS name',
  );
  return rows[0].name;
}

/**
 * Makes sure the pgvector extension is enabled and its `vector` type visible to this
 * connection, or explains how to fix it. Without it, no table of the knowledge store can be
 * created, so the backend must not start.
 */
export async function ensureVectorExtension(knex: Knex): Promise<void> {
  if ((await vectorExtensionVersion(knex)) === undefined) {
    await createVectorExtension(knex);
  }
  await checkVectorTypeVisible(knex);
}

async function createVectorExtension(knex: Knex): Promise<void> {
  const available = await knex.raw(
    `SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`,
  );
  const database = await currentDatabase(knex);
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
      `The AI assistant could not enable the PostgreSQL extension "vector" in database "${database}": ${
        error instanceof Error ? error.message : String(error)
      }. ` +
        `Ask a database superuser to run: CREATE EXTENSION IF NOT EXISTS vector; in database "${database}", then restart the backend.`,
    );
  }
}

/**
 * An extension lives in one schema of a database. With Backstage's
 * `pluginDivisionMode: schema` the assistant's connection searches only its own schema, so a
 * `vector` installed earlier in `public` exists but its type cannot be found.
 */
async function checkVectorTypeVisible(knex: Knex): Promise<void> {
  const { rows } = await knex.raw<{
    rows: Array<{ visible: boolean; schema: string; search_path: string }>;
  }>(
    `SELECT to_regtype('vector') IS NOT NULL AS visible, n.nspname AS schema, current_setting('search_path') AS search_path
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'vector'`,
  );
  const row = rows[0];
  if (!row || row.visible) {
    return;
  }
  const database = await currentDatabase(knex);
  throw new Error(
    `The PostgreSQL extension "vector" is installed in schema "${row.schema}" of database "${database}", which is not on the AI assistant's search_path (${row.search_path}), ` +
      `so its tables cannot use the vector type. With backend.database.pluginDivisionMode: schema, add that schema to the assistant's search path: ` +
      `backend.database.plugin.ai-assistant.knexConfig.searchPath: ['ai-assistant', '${row.schema}'] (your plugin schema first), and restart the backend.`,
  );
}
