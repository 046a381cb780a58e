import { isError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { ModelRouter } from '../chat/ModelRouter';
import type { IngestionRunStore } from '../database/IngestionRunStore';
import type { EmbeddingsService } from '../embeddings/EmbeddingsService';

/** State of one part of the plugin. */
export interface ComponentHealth {
  status: 'ok' | 'error';
  message?: string;
  [detail: string]: unknown;
}

/** State of one chat model in the health report. */
export interface ModelHealth {
  id: string;
  displayName: string;
  /**
   * `ok` when its probe passed or it has none, `unreachable` when its probe failed,
   * `cooling-down` while the circuit breaker skips it after repeated failures.
   */
  status: 'ok' | 'unreachable' | 'cooling-down';
  /** The probe's finding; absent when the model's provider has no probe. */
  reachable?: boolean;
  /** What is wrong, for admins: may name endpoints, never secrets. */
  message?: string;
}

/** The full report of `GET /health`, shown to ingestion admins only. */
export interface HealthReport {
  /** `error` when the database is unusable, `degraded` when another part is. */
  status: 'ok' | 'degraded' | 'error';
  database: ComponentHealth;
  /** The pgvector extension in the knowledge store's database. */
  vectorExtension: ComponentHealth;
  embeddings: ComponentHealth;
  models: ComponentHealth;
  ingestion: ComponentHealth;
}

/**
 * Checks the parts the assistant needs, without calling paid model APIs: models are probed
 * with requests that cost no tokens.
 */
export class HealthService {
  constructor(
    private readonly options: {
      knex: Knex;
      databaseKind: 'postgres' | 'pglite';
      embeddings: EmbeddingsService;
      models: ModelRouter;
      runs: IngestionRunStore;
      /** The read replica searches use, when configured. */
      readReplica?: Knex;
    },
  ) {}

  async check(): Promise<HealthReport> {
    const {
      knex,
      databaseKind,
      embeddings,
      models: router,
      runs,
    } = this.options;
    let pgvectorVersion: string | undefined;
    const database = await attempt(async () => {
      const row = (
        await knex.raw(
          `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
        )
      ).rows[0];
      pgvectorVersion = row?.extversion;
      return {
        kind: databaseKind,
        pgvector: pgvectorVersion,
        ...(this.options.readReplica && {
          readReplica: await replicaHealth(this.options.readReplica),
        }),
      };
    });
    const vectorExtension = vectorExtensionHealth(database, pgvectorVersion);
    const embeddingsHealth = await attempt(async () => {
      const model = await embeddings.getModel();
      return {
        provider: embeddings.providerId,
        model: model.key,
        dimensions: model.dimensions,
      };
    });
    const models = await modelsHealth(router);
    const ingestion =
      database.status === 'ok'
        ? await ingestionHealth(runs)
        : { status: 'error' as const, message: 'database unavailable' };

    let status: HealthReport['status'] = 'ok';
    if (database.status === 'error' || vectorExtension.status === 'error')
      status = 'error';
    else if (
      [embeddingsHealth, models, ingestion].some(c => c.status === 'error') ||
      database.readReplica === 'error'
    )
      status = 'degraded';
    return {
      status,
      database,
      vectorExtension,
      embeddings: embeddingsHealth,
      models,
      ingestion,
    };
  }
}

// Probes every model with a request that costs nothing (a model list, not a completion; see
// ModelRouter.probe, cached briefly) and shows which ones the circuit breaker currently skips
// after repeated failures. "ok" for a model whose provider has no probe means "not known to
// be down". Only ingestion admins see this part, so messages may name endpoints.
async function modelsHealth(router: ModelRouter): Promise<ComponentHealth> {
  if (!router.hasProviders) {
    return {
      status: 'error',
      message:
        'No model provider module is installed; add one and configure aiAssistant.models',
    };
  }
  const models = await router.listModels();
  const list = await Promise.all(
    models.map(async model => {
      const { reachable, error } = await router.probe(model);
      let status: ModelHealth['status'] = 'ok';
      if (router.isSkipped(model.id)) status = 'cooling-down';
      else if (reachable === false) status = 'unreachable';
      const messages = [
        status === 'cooling-down' &&
          'skipped after repeated failures until its cooldown ends',
        error?.message,
      ].filter(Boolean);
      const health: ModelHealth = {
        id: model.id,
        displayName: model.displayName,
        status,
        ...(reachable !== undefined && { reachable }),
        ...(messages.length > 0 && { message: messages.join('; ') }),
      };
      return health;
    }),
  );
  if (list.length === 0) {
    return { status: 'error', message: 'No model is configured', models: list };
  }
  const answering = list.filter(model => model.status === 'ok');
  const down = list.length - answering.length;
  return {
    status: answering.length > 0 ? 'ok' : 'error',
    ...(down > 0 && {
      message:
        answering.length > 0
          ? `${down} of ${list.length} models cannot answer now; the others still do`
          : 'No model can answer now: every model is unreachable or cooling down',
    }),
    defaultModelId: list[0].id,
    models: list,
  };
}

function vectorExtensionHealth(
  database: ComponentHealth,
  version: string | undefined,
): ComponentHealth {
  if (database.status === 'error') {
    return { status: 'error', message: 'database unavailable' };
  }
  if (!version) {
    return {
      status: 'error',
      message:
        'The vector extension is not installed in the database; install pgvector on the PostgreSQL server and restart the backend, which runs CREATE EXTENSION IF NOT EXISTS vector',
    };
  }
  return { status: 'ok', version };
}

// A replica that does not answer costs nothing but speed: searches fall back to the primary.
async function replicaHealth(replica: Knex): Promise<'ok' | 'error'> {
  try {
    await replica.raw('SELECT 1');
    return 'ok';
  } catch {
    return 'error';
  }
}

// The newest run of every ingestor; a failed latest run makes the report degraded, since the
// assistant then answers from what an earlier run stored.
async function ingestionHealth(
  runs: IngestionRunStore,
): Promise<ComponentHealth> {
  return attempt(async () => {
    const lastRuns = await runs.latestPerIngestor();
    const failed = lastRuns.filter(run => run.state === 'failed');
    const lastFinishedAt = lastRuns
      .map(run => run.finishedAt)
      .filter((at): at is Date => Boolean(at))
      .sort((a, b) => b.getTime() - a.getTime())[0];
    if (failed.length > 0) {
      return {
        status: 'error',
        message: `The last ingestion run failed for ${failed.map(run => run.ingestor).join(', ')}; GET /ingestion shows the errors`,
        lastFinishedAt,
        lastRuns,
      };
    }
    return { lastFinishedAt, lastRuns };
  });
}

async function attempt(
  fn: () => Promise<Record<string, unknown>>,
): Promise<ComponentHealth> {
  try {
    return { status: 'ok', ...(await fn()) } as ComponentHealth;
  } catch (error) {
    return {
      status: 'error',
      message: isError(error) ? error.message : String(error),
    };
  }
}
