import type { Knex } from 'knex';
import { chunkTsv as storeChunkTsv } from '../database/keywordIndex';
import {
  type EmbeddingModel,
  type VectorIndexPlan,
  embeddingModelKey as storeEmbeddingModelKey,
  nearestChunksSql as storeNearestChunksSql,
  planVectorIndex as storePlanVectorIndex,
} from '../database/vectorIndex';

// Thin, documented wrappers of the store's SQL builders: the harnesses compare the store's
// vector leg with exact scans and bulk-load rows as the store writes them, so they must use
// the very same statements; the builders' own types stay private to the plugin.

export type { EmbeddingModel, VectorIndexPlan };

/**
 * The store's nearest-chunks statement of the vector leg (see {@link nearestChunksSql}).
 *
 * @public
 */
export interface NearestChunksSql {
  /** Selects `id` and `distance` (cosine), nearest first. */
  sql: string;
  /** The statement's bindings, in order. */
  bindings: unknown[];
  /** The `hnsw.ef_search` the statement needs to see all of its candidates. */
  efSearch: number;
}

/**
 * The key the store records a model's chunks under, as the plugin builds it from the
 * embeddings provider's id, model and dimensions.
 *
 * @public
 */
export function embeddingModelKey(
  providerId: string,
  model: string,
  dimensions: number,
): string {
  return storeEmbeddingModelKey(providerId, model, dimensions);
}

/**
 * The vector index the store builds for a model on a current pgvector, and the SQL its
 * vector leg compares with; for measuring the index against an exact scan.
 *
 * @public
 */
export function planVectorIndex(model: EmbeddingModel): VectorIndexPlan {
  return storePlanVectorIndex(model);
}

/**
 * The statement the store's vector leg runs for the `limit` chunks of `modelKey` nearest
 * to `vector` (pgvector's text form, e.g. `[0.1,0.2]`), so a harness can time it alone or
 * compare its hits with an exact scan.
 *
 * @public
 */
export function nearestChunksSql(
  plan: VectorIndexPlan,
  modelKey: string,
  vector: string,
  limit: number,
): NearestChunksSql {
  return storeNearestChunksSql(plan, modelKey, vector, limit);
}

/**
 * The SQL expression of a chunk's keyword-index column (`tsv`) exactly as the store writes
 * it, for harnesses that insert rows straight into the plugin's tables.
 *
 * @param config - the Postgres text-search configuration, e.g. `english`
 * @param fields - the chunk's title, heading path and text
 * @public
 */
export function chunkTsv(
  knex: Knex,
  config: string,
  fields: { title: string; section?: string; content: string },
): Knex.Raw {
  return storeChunkTsv(knex, config, fields);
}
