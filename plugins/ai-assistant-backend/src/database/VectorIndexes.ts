import type { Knex } from 'knex';
import {
  EmbeddingModel,
  planVectorIndex,
  VectorCapabilities,
  VectorIndexPlan,
} from './vectorIndex';
import {
  isVectorVersionAtLeast,
  vectorExtensionVersion,
} from './vectorExtension';
import {
  buildVectorIndex,
  DEFAULT_INDEX_BUILD,
  dropVectorIndex,
  IndexBuildSettings,
} from './vectorIndexBuild';

/**
 * A bulk load defers a model's HNSW index only while the model has at most this many chunks
 * stored: rebuilding the index over them costs little, and their searches meanwhile fall
 * back to an exact scan (tens of milliseconds at this size). With more, the index stays and
 * the run inserts into it row by row, as small updates do.
 */
const BULK_LOAD_MAX_INDEXED_CHUNKS = 20_000;

/** What the server's pgvector can do, from its version. */
export interface VectorFeatures extends VectorCapabilities {
  /** `hnsw.iterative_scan`: pgvector 0.8 and later. */
  iterativeScan: boolean;
}

/**
 * The lifecycle of the vector index of each embedding model: created when a model is first
 * served (other models' indexes dropped), deferred during bulk loads and built once after.
 */
export class VectorIndexes {
  private readonly prepared = new Map<string, Promise<VectorIndexPlan>>();
  /** Bulk loads under way in this process, by model key: the last one builds the index. */
  private readonly bulkLoads = new Map<string, number>();
  private features?: Promise<VectorFeatures>;

  constructor(
    private readonly knex: Knex,
    private readonly indexBuild: IndexBuildSettings = DEFAULT_INDEX_BUILD,
  ) {}

  /** The server's pgvector features, asked once (again after a failure). */
  vectorFeatures(): Promise<VectorFeatures> {
    if (!this.features) {
      const asked = vectorExtensionVersion(this.knex).then(version => {
        const atLeast = (minimum: string) =>
          isVectorVersionAtLeast(version ?? '0.0', minimum);
        return {
          binaryQuantize: atLeast('0.7'),
          iterativeScan: atLeast('0.8'),
        };
      });
      asked.catch(() => {
        this.features = undefined;
      });
      this.features = asked;
    }
    return this.features;
  }

  /**
   * Makes the store ready to serve a model: its HNSW index exists, and indexes of other
   * models are dropped because their vectors are no longer searched. Safe when several
   * backends start at once.
   */
  prepareModel(model: EmbeddingModel): Promise<VectorIndexPlan> {
    let plan = this.prepared.get(model.key);
    if (!plan) {
      plan = this.createIndexFor(model);
      this.prepared.set(model.key, plan);
      plan.catch(() => this.prepared.delete(model.key));
    }
    return plan;
  }

  private async createIndexFor(
    model: EmbeddingModel,
  ): Promise<VectorIndexPlan> {
    const plan = planVectorIndex(model, await this.vectorFeatures());
    await this.knex.transaction(async trx => {
      // Serializes index changes across backends sharing the database.
      await trx.raw(
        `SELECT pg_advisory_xact_lock(hashtext('ai-assistant:vector-index'))`,
      );
      const existing = await trx.raw<{ rows: Array<{ indexname: string }> }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'embeddings' AND indexname LIKE 'embeddings_hnsw_%'`,
      );
      for (const { indexname } of existing.rows) {
        if (indexname !== plan.index?.name) {
          await trx.raw(`DROP INDEX IF EXISTS ??`, [indexname]);
        }
      }
      if (plan.index) {
        await trx.raw(plan.index.ddl);
      }
    });
    return plan;
  }

  /**
   * Starts writing many chunks of a model (a first ingestion, a model change): Postgres
   * inserting each row into the HNSW graph costs far more than writing it (2,000 rows of
   * 1,536 dimensions: 9 s with the index, 0.26 s without), while building the index once
   * over all rows is fast. So when the model has few chunks stored yet (see
   * BULK_LOAD_MAX_INDEXED_CHUNKS), its index is dropped until finishBulkLoad; searches stay
   * correct meanwhile (an exact scan of the model's chunks, never another model's).
   * Returns whether the index was deferred; call finishBulkLoad only then.
   */
  async beginBulkLoad(model: EmbeddingModel): Promise<boolean> {
    const plan = await this.prepareModel(model);
    if (!plan.index) return false;
    const running = this.bulkLoads.get(model.key) ?? 0;
    if (running === 0) {
      const { rows } = await this.knex.raw<{ rows: Array<{ n: number }> }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM embeddings WHERE embedding_model = ? LIMIT ?) stored`,
        [model.key, BULK_LOAD_MAX_INDEXED_CHUNKS + 1],
      );
      if (rows[0].n > BULK_LOAD_MAX_INDEXED_CHUNKS) return false;
    }
    this.bulkLoads.set(model.key, running + 1);
    if (running === 0) {
      try {
        await dropVectorIndex(this.knex, plan);
      } catch (error) {
        this.bulkLoads.set(model.key, running);
        throw error;
      }
    }
    return true;
  }

  /**
   * Ends a bulk load that beginBulkLoad deferred the index for; the last one under way in
   * this process builds the model's index over every stored chunk (with `indexBuild`).
   * Returns whether this call built it.
   */
  async finishBulkLoad(model: EmbeddingModel): Promise<boolean> {
    const running = (this.bulkLoads.get(model.key) ?? 1) - 1;
    if (running > 0) {
      this.bulkLoads.set(model.key, running);
      return false;
    }
    this.bulkLoads.delete(model.key);
    await buildVectorIndex(
      this.knex,
      await this.prepareModel(model),
      this.indexBuild,
    );
    return true;
  }
}
