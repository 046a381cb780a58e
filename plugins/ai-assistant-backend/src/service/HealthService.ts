import type { Knex } from 'knex';
import type { ModelProvider } from '@ai-assistant/backstage-plugin-ai-assistant-node';
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
      modelProviders: ModelProvider[];
      runs: IngestionRunStore;
    },
  ) {}

  async check(): Promise<HealthReport> {
    const { knex, databaseKind, embeddings, modelProviders, runs } =
      this.options;
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
    const models: ComponentHealth =
      modelProviders.length > 0
        ? { status: 'ok', providers: modelProviders.map(p => p.id) }
        : { status: 'error', message: 'No model provider module is installed' };
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

async function attempt(
  fn: () => Promise<Record<string, unknown>>,
): Promise<ComponentHealth> {
  try {
    return { status: 'ok', ...(await fn()) };
  } catch (error) {
    return { status: 'error', message: String(error?.message ?? error) };
  }
}
