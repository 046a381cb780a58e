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

/** The readiness report of `GET /health`. */
export interface HealthReport {
  /** `error` when the database is unusable, `degraded` when another part is. */
  status: 'ok' | 'degraded' | 'error';
  database: ComponentHealth;
  embeddings: ComponentHealth;
  models: ComponentHealth;
  ingestion: ComponentHealth;
}

/** Checks the parts the assistant needs, without calling paid model APIs. */
export class HealthService {
  constructor(
    private readonly options: {
      knex: Knex;
      databaseKind: 'postgres' | 'pglite';
      embeddings: EmbeddingsService;
      models: ModelRouter;
      runs: IngestionRunStore;
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
    const database = await attempt(async () => {
      const row = (
        await knex.raw(
          `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
        )
      ).rows[0];
      return { kind: databaseKind, pgvector: row?.extversion };
    });
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
        ? await attempt(async () => ({
            lastRuns: await runs.latestPerIngestor(),
          }))
        : { status: 'error' as const, message: 'database unavailable' };

    let status: HealthReport['status'] = 'ok';
    if (database.status === 'error') status = 'error';
    else if (
      [embeddingsHealth, models, ingestion].some(c => c.status === 'error')
    )
      status = 'degraded';
    return {
      status,
      database,
      embeddings: embeddingsHealth,
      models,
      ingestion,
    };
  }
}

// Lists models without calling them (that would cost money), and shows which ones the
// circuit breaker currently skips after repeated failures.
async function modelsHealth(router: ModelRouter): Promise<ComponentHealth> {
  if (!router.hasProviders) {
    return {
      status: 'error',
      message:
        'No model provider module is installed; add one and configure aiAssistant.models',
    };
  }
  const models = await router.listModels();
  const list = models.map(model => ({
    id: model.id,
    displayName: model.displayName,
    status: router.isSkipped(model.id) ? 'cooling-down' : 'ok',
  }));
  if (list.length === 0) {
    return { status: 'error', message: 'No model is configured', models: list };
  }
  return {
    status: list.some(model => model.status === 'ok') ? 'ok' : 'error',
    defaultModelId: list[0].id,
    models: list,
  };
}

async function attempt(
  fn: () => Promise<Record<string, unknown>>,
): Promise<ComponentHealth> {
  try {
    return { status: 'ok', ...(await fn()) };
  } catch (error) {
    return { status: 'error', message: String(error?.message ?? error) };
  }
}
