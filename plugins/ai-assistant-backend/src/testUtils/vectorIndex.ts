import type { Knex } from 'knex';
import { chunkTsv as storeChunkTsv } from '../database/keywordIndex';
import {
  embeddingModelKey as storeEmbeddingModelKey,
  nearestChunksSql as storeNearestChunksSql,
  planVectorIndex as storePlanVectorIndex,
} from '../database/vectorIndex';

// Thin, documented wrappers of the store's SQL builders: the harnesses compare the store's
// vector leg with exact scans and bulk-load rows as the store writes them, so they must use
// the very same statements; the builders' own types stay private to the plugin.

/**
 * The embedding model a knowledge store serves: chunks of any other model are never
 * returned by its vector search.
 *
 * @public
 */
export interface EmbeddingModel {
  /** Identifies provider, model and dimensions; stored with each chunk (see {@link embeddingModelKey}). */
  key: string;
  /** Length of the model's vectors. */
  dimensions: number;
}

/**
 * How the store compares and indexes the vectors of one model (see {@link planVectorIndex}).
 *
 * @public
 */
export interface VectorIndexPlan {
  /** SQL expression of a chunk's full-precision vector, as the exact distance reads it. */
  column: string;
  /** SQL cast of the query vector, e.g. `vector(768)`. */
  cast: string;
  /**
   * Set when the index is on the vectors' sign bits: it finds candidates by Hamming
   * distance, and the exact distance over `column` re-ranks them.
   */
  quantized?: {
    /** SQL expression of a chunk's bits, matching the index expression exactly. */
    column: string;
    /** The same expression for the query vector (one `?` binding). */
    query: string;
  };
  /** The HNSW index the store creates, or undefined when none can serve the dimensions. */
  index?: { name: string; ddl: string };
}

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
