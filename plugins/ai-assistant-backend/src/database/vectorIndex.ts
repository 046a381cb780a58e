import { createHash } from 'node:crypto';

/** pgvector can build an HNSW index on `vector` up to 2,000 dimensions and on `halfvec` up to 4,000. */
const MAX_VECTOR_INDEX_DIMENSIONS = 2000;
const MAX_HALFVEC_INDEX_DIMENSIONS = 4000;

/**
 * The embedding model the knowledge store currently serves. Chunks embedded with any other
 * model are re-embedded on the next ingestion run and never returned by vector search.
 */
export interface EmbeddingModel {
  /** Identifies provider, model and dimension; stored with each chunk. */
  key: string;
  dimensions: number;
}

/** How vectors of a model are compared and indexed. */
export interface VectorIndexPlan {
  /** SQL expression of a chunk's vector, matching the index expression exactly. */
  column: string;
  /** SQL cast for the query vector. */
  cast: string;
  /** Index to create, or undefined when the dimension is too large for any HNSW index. */
  index?: { name: string; ddl: string };
}

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

/**
 * Plans the vector leg for a model: `vector` for up to 2,000 dimensions, `halfvec` (half the
 * storage, same recall in practice) up to 4,000, an exact scan above that.
 */
export function planVectorIndex(model: EmbeddingModel): VectorIndexPlan {
  const { dimensions, key } = model;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new Error(
      `Invalid embedding dimension ${dimensions} for model ${key}`,
    );
  }
  if (!/^[A-Za-z0-9._:/@+-]+$/.test(key)) {
    throw new Error(`Invalid embedding model key ${key}`);
  }
  if (dimensions > MAX_HALFVEC_INDEX_DIMENSIONS) {
    return { column: 'embedding', cast: `vector(${dimensions})` };
  }
  const type = dimensions <= MAX_VECTOR_INDEX_DIMENSIONS ? 'vector' : 'halfvec';
  const name = `embeddings_hnsw_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  const column = `(embedding::${type}(${dimensions}))`;
  return {
    column,
    cast: `${type}(${dimensions})`,
    index: {
      name,
      ddl: `CREATE INDEX IF NOT EXISTS ${name} ON embeddings USING hnsw (${column} ${type}_cosine_ops) WHERE embedding_model = '${key}'`,
    },
  };
}
