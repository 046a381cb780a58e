import { createHash } from 'node:crypto';

/** pgvector can build an HNSW index on `vector` up to 2,000 dimensions and on `halfvec` up to 4,000. */
export const MAX_VECTOR_INDEX_DIMENSIONS = 2000;
export const MAX_HALFVEC_INDEX_DIMENSIONS = 4000;

/**
 * The embedding model the knowledge store currently serves. Chunks embedded with any other
 * model are re-embedded on the next ingestion run and never returned by vector search.
 * (Public through the `/testUtils` entry.)
 *
 * @public
 */
export interface EmbeddingModel {
  /** Identifies provider, model and dimensions; stored with each chunk. */
  key: string;
  /** Length of the model's vectors. */
  dimensions: number;
}

/**
 * How vectors of a model are compared and indexed. (Public through the `/testUtils` entry.)
 *
 * @public
 */
export interface VectorIndexPlan {
  /** SQL expression of a chunk's full-precision vector, as the exact distance reads it. */
  column: string;
  /** SQL cast of the query vector, e.g. `vector(768)`. */
  cast: string;
  /**
   * Set when the index is on the vector's sign bits (`binary_quantize`): it finds candidates
   * by Hamming distance, and the exact distance over `column` re-ranks them.
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

/** What the pgvector extension of the database can index (see vectorExtension). */
export interface VectorCapabilities {
  /** `binary_quantize` and HNSW over `bit`: pgvector 0.7 and later. */
  binaryQuantize: boolean;
}

/**
 * From this many dimensions, the index is built on the vector's sign bits with an exact
 * re-rank: at 67,000 clustered 768-dimension vectors it built 2.4× faster than the
 * full-precision index, was a tenth of its size and found 0.998 of the exact top 10
 * (bench/README.md). Below it, too few bits are left to tell neighbours apart.
 */
export const BINARY_INDEX_MIN_DIMENSIONS = 512;

/**
 * The sign-bit graph's shape. Fewer links per node (pgvector's default m is 16) and a wider
 * search while linking (default ef_construction 64): on the synthetic corpus's 67,000
 * chunks it built in 6.0 s instead of 11.1 s and found more of the exact top 10 (0.973
 * instead of 0.964); the exact re-rank of 400 candidates makes up for the sparser graph.
 */
const BINARY_INDEX_OPTIONS = 'WITH (m = 8, ef_construction = 80)';

/** pgvector's `vector` type holds up to 16,000 dimensions; the bit index up to 64,000. */
const MAX_VECTOR_DIMENSIONS = 16000;

/** Builds the stored model key; only characters that are safe inside a SQL literal remain. */
export function embeddingModelKey(
  providerId: string,
  model: string,
  dimensions: number,
): string {
  return `${providerId}/${model}/${dimensions}`.replace(
    /[^A-Za-z0-9._:/@+-]/g,
    '_',
  );
}

function indexName(key: string, kind: string): string {
  const hash = createHash('sha256').update(`${key}${kind}`).digest('hex');
  return `embeddings_hnsw_${hash.slice(0, 16)}`;
}

/**
 * Plans the vector leg for a model. From BINARY_INDEX_MIN_DIMENSIONS on a server that can
 * (pgvector ≥ 0.7), an HNSW index over the vectors' sign bits with an exact re-rank; else
 * HNSW over `vector` up to 2,000 dimensions and `halfvec` (half the storage, same recall in
 * practice) up to 4,000; an exact scan above that.
 */
export function planVectorIndex(
  model: EmbeddingModel,
  capabilities: VectorCapabilities = { binaryQuantize: true },
): VectorIndexPlan {
  const { dimensions, key } = model;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new Error(
      `Invalid embedding dimension ${dimensions} for model ${key}`,
    );
  }
  if (!/^[A-Za-z0-9._:/@+-]+$/.test(key)) {
    throw new Error(`Invalid embedding model key ${key}`);
  }
  const where = `WHERE embedding_model = '${key}'`;
  if (
    capabilities.binaryQuantize &&
    dimensions >= BINARY_INDEX_MIN_DIMENSIONS &&
    dimensions <= MAX_VECTOR_DIMENSIONS
  ) {
    const bits = `(binary_quantize(embedding)::bit(${dimensions}))`;
    const name = indexName(key, '/binary');
    return {
      column: `(embedding::vector(${dimensions}))`,
      cast: `vector(${dimensions})`,
      quantized: {
        column: bits,
        query: `binary_quantize(?::vector(${dimensions}))::bit(${dimensions})`,
      },
      index: {
        name,
        ddl: `CREATE INDEX IF NOT EXISTS ${name} ON embeddings USING hnsw (${bits} bit_hamming_ops) ${BINARY_INDEX_OPTIONS} ${where}`,
      },
    };
  }
  if (dimensions > MAX_HALFVEC_INDEX_DIMENSIONS) {
    return { column: 'embedding', cast: `vector(${dimensions})` };
  }
  const type = dimensions <= MAX_VECTOR_INDEX_DIMENSIONS ? 'vector' : 'halfvec';
  const name = indexName(key, '');
  const column = `(embedding::${type}(${dimensions}))`;
  return {
    column,
    cast: `${type}(${dimensions})`,
    index: {
      name,
      ddl: `CREATE INDEX IF NOT EXISTS ${name} ON embeddings USING hnsw (${column} ${type}_cosine_ops) ${where}`,
    },
  };
}

/**
 * Candidates the bit index hands to the exact re-rank per candidate wanted: ten, and at least
 * 400, so that neighbours the sign bits misjudge are still among them.
 */
const QUANTIZED_POOL_FACTOR = 10;
const QUANTIZED_POOL_MIN = 400;
/** pgvector's largest `hnsw.ef_search`: an index scan returns at most this many rows. */
const MAX_EF_SEARCH = 1000;

/** The nearest chunks statement of a vector leg, with its bindings in order. */
export interface NearestSql {
  /** Selects `id` and `distance` (cosine), nearest first. */
  sql: string;
  bindings: unknown[];
  /** The `hnsw.ef_search` the statement needs to see all of its candidates. */
  efSearch: number;
}

/**
 * The `limit` chunks of a model nearest to `vector`, among those `filterSql` (conditions on
 * `e`, each starting with AND) admits. It orders by the exact expression the index is built
 * on and filters on its partial-index predicate, so the planner can use the index; with a
 * quantized index, the bit index's nearest candidates are re-ranked by exact distance.
 */
export function nearestChunksSql(
  plan: VectorIndexPlan,
  modelKey: string,
  vector: string,
  limit: number,
  filter: { sql: string; bindings: readonly unknown[] } = {
    sql: '',
    bindings: [],
  },
): NearestSql {
  if (!plan.quantized) {
    return {
      sql: `SELECT e.id, ${plan.column} <=> ?::${plan.cast} AS distance FROM embeddings e
        WHERE e.embedding_model = ? ${filter.sql}
        ORDER BY distance LIMIT ?`,
      bindings: [vector, modelKey, ...filter.bindings, limit],
      efSearch: Math.min(limit, MAX_EF_SEARCH),
    };
  }
  const pool = Math.min(
    MAX_EF_SEARCH,
    Math.max(QUANTIZED_POOL_MIN, limit * QUANTIZED_POOL_FACTOR),
  );
  return {
    sql: `SELECT c.id, c.v <=> ?::${plan.cast} AS distance FROM (
        SELECT e.id, ${plan.column} AS v FROM embeddings e
        WHERE e.embedding_model = ? ${filter.sql}
        ORDER BY ${plan.quantized.column} <~> ${plan.quantized.query} LIMIT ${pool}
      ) c ORDER BY distance LIMIT ?`,
    bindings: [vector, modelKey, ...filter.bindings, vector, limit],
    efSearch: pool,
  };
}
