import {
  resolvePackagePath,
  type DatabaseService,
  type LoggerService,
  type RootHealthService,
} from '@backstage/backend-plugin-api';
import { readdir } from 'node:fs/promises';

/** The answer of `GET /healthcheck`: its status code and JSON body. */
export interface Readiness {
  status: 200 | 503;
  body: { status: 'ok' } | { status: 'error'; message: string };
}

// The plugin's migrations, as `database/migrations.ts` runs them; the test against a
// migrated database fails if the two ever disagree.
const MIGRATIONS_TABLE = 'ai_assistant_knex_migrations';
const MIGRATION_FILE = /\.(c?js|ts)$/;

/**
 * Backstage's own readiness as a `/healthcheck` answer: `503` with Backstage's message while
 * the backend starts or shuts down (expected, and Backstage logs both), undefined once ready.
 */
export async function backendNotReady(
  rootHealth: RootHealthService,
): Promise<Readiness | undefined> {
  const { status, payload } = await rootHealth.getReadiness();
  if (status === 200) {
    return undefined;
  }
  const message =
    payload && typeof payload === 'object' && !Array.isArray(payload)
      ? payload.message
      : undefined;
  return notReady(
    typeof message === 'string' ? message : 'Backend is not ready',
  );
}

/** A `503` answer saying why the backend should get no traffic. */
export function notReady(message: string): Readiness {
  return { status: 503, body: { status: 'error', message } };
}

class TimeoutError extends Error {}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`timed out after ${ms} ms`)),
      ms,
    );
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of {@link ReadinessCheck}. */
export interface ReadinessCheckOptions {
  rootHealth: RootHealthService;
  /** The assistant plugin's database service (the healthcheck is one of its modules). */
  database: DatabaseService;
  logger: LoggerService;
  /** How long the database may take to answer before the backend counts as not ready. */
  timeoutMs?: number;
}

/**
 * Decides whether this backend should get traffic: Backstage's own readiness (every plugin,
 * the assistant included, has started, and the backend is not shutting down), then the
 * assistant's database: reachable within `timeoutMs`, and every migration this version ships
 * applied. The probe only reads (one `SELECT`), so it never creates tables or takes locks.
 *
 * Answers are public (probes send no token), so they say what is wrong but not the database
 * error itself; that goes to the log, once when the backend stops being ready.
 */
export class ReadinessCheck {
  readonly #options: Required<ReadinessCheckOptions>;
  #migrationFiles?: Promise<string[]>;
  #inFlight?: Promise<Readiness>;
  #lastProblem?: string;

  constructor(options: ReadinessCheckOptions) {
    this.#options = { timeoutMs: 3000, ...options };
  }

  /** Checks readiness; concurrent probes share one check rather than piling up queries. */
  check(): Promise<Readiness> {
    this.#inFlight ??= this.#check().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #check(): Promise<Readiness> {
    const backend = await backendNotReady(this.#options.rootHealth);
    if (backend) {
      return backend;
    }
    const problem = await this.#databaseProblem();
    if (problem) {
      return notReady(problem);
    }
    if (this.#lastProblem) {
      this.#options.logger.info('AI assistant is ready again');
      this.#lastProblem = undefined;
    }
    return { status: 200, body: { status: 'ok' } };
  }

  /** Why the database is not ready, or undefined when it is. */
  async #databaseProblem(): Promise<string | undefined> {
    const { timeoutMs, logger } = this.#options;
    let problem: string | undefined;
    let detail: string | undefined;
    try {
      problem = await withTimeout(this.#migrationProblem(), timeoutMs);
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
      if (error instanceof TimeoutError) {
        problem = `The AI assistant's database did not answer within ${timeoutMs} ms`;
      } else if ((error as { code?: unknown })?.code === '42P01') {
        // undefined_table: the database is reachable but was never migrated.
        problem = `The AI assistant's database has no migrations applied (table ${MIGRATIONS_TABLE} is missing)`;
      } else {
        problem = "The AI assistant's database is not reachable";
      }
    }
    if (problem && problem !== this.#lastProblem) {
      logger.warn(`AI assistant is not ready: ${problem}`, {
        ...(detail && { error: detail }),
      });
    }
    this.#lastProblem = problem;
    return problem;
  }

  /** Queries the database; says which shipped migrations are not applied, if any. */
  async #migrationProblem(): Promise<string | undefined> {
    const knex = await this.#options.database.getClient();
    if (knex.client.config.client !== 'pg') {
      // Not PostgreSQL: the knowledge store is embedded PGlite, migrated in-process while the
      // plugin started; Backstage's own database only has to answer.
      await knex.raw('SELECT 1');
      return undefined;
    }
    const rows: Array<{ name: string }> =
      await knex(MIGRATIONS_TABLE).select('name');
    const applied = new Set(rows.map(row => row.name));
    const pending = (await this.#shippedMigrations()).filter(
      name => !applied.has(name),
    );
    if (pending.length === 0) {
      return undefined;
    }
    return (
      `The AI assistant's database lacks ${pending.length} migration(s) of this version (${pending.join(', ')}); ` +
      'restart the backend to apply them, or apply them yourself if backend.database.plugin.ai-assistant.skipMigrations is set'
    );
  }

  #shippedMigrations(): Promise<string[]> {
    this.#migrationFiles ??= readdir(
      resolvePackagePath(
        '@ai-assistant/backstage-plugin-ai-assistant-backend',
        'migrations',
      ),
    ).then(files =>
      files.filter(f => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts')).sort(),
    );
    return this.#migrationFiles;
  }
}
