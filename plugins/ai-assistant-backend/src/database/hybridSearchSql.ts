import type { Knex } from 'knex';
import pgvector from 'pgvector';
import type { KnowledgeQuery } from './KnowledgeStore';
import type { EmbeddingModel, VectorIndexPlan } from './vectorIndex';

/** Weights of the two legs of hybrid search in reciprocal rank fusion. */
export interface HybridWeights {
  vectorWeight: number;
  textWeight: number;
}

// The usual constant of reciprocal rank fusion: damps the advantage of the very first ranks.
const RRF_K = 60;
const TEXT_SEARCH_CONFIG = 'english';

/**
 * The hybrid search statement. The vector leg orders by the exact expression the HNSW index
 * is built on and filters on its partial-index predicate, so the planner can use it; the text
 * leg ORs the query's lexemes (plainto_tsquery ANDs them, too strict for questions) and is
 * served by the GIN index. Both legs over-fetch candidates, then reciprocal rank fusion ranks
 * their union.
 */
export function buildHybridSearchSql(
  plan: VectorIndexPlan,
  model: EmbeddingModel,
  query: KnowledgeQuery,
  weights: HybridWeights,
): { sql: string; bindings: Knex.RawBinding[]; candidates: number } {
  const candidates = Math.max(query.limit * 4, 40);
  const filters: string[] = [];
  const filterBindings: Knex.RawBinding[] = [];
  if (query.sources) {
    filters.push('AND source = ANY(?)');
    filterBindings.push(query.sources);
  }
  if (query.entityRefs) {
    filters.push('AND entity_ref = ANY(?)');
    filterBindings.push(query.entityRefs);
  }
  const filterSql = filters.join(' ');

  const sql = `
    WITH vec AS (
      SELECT id, row_number() OVER () AS rank FROM (
        SELECT id FROM embeddings
        WHERE embedding_model = ? ${filterSql}
        ORDER BY ${plan.column} <=> ?::${plan.cast}
        LIMIT ?
      ) nearest
    ), q AS (
      SELECT replace(plainto_tsquery('${TEXT_SEARCH_CONFIG}', ?)::text, ' & ', ' | ')::tsquery AS query
    ), txt AS (
      SELECT id, row_number() OVER () AS rank FROM (
        SELECT id FROM embeddings, q
        WHERE tsv @@ q.query ${filterSql}
        ORDER BY ts_rank_cd(tsv, q.query) DESC, id
        LIMIT ?
      ) best
    )
    SELECT e.id, e.source, e.document_id, e.chunk_index, e.content, e.entity_ref, e.metadata,
           d.title, d.url,
           COALESCE(?::float8 / (${RRF_K} + vec.rank), 0) + COALESCE(?::float8 / (${RRF_K} + txt.rank), 0) AS score
    FROM (SELECT id FROM vec UNION SELECT id FROM txt) hits
    JOIN embeddings e ON e.id = hits.id
    JOIN documents d ON d.source = e.source AND d.document_id = e.document_id
    LEFT JOIN vec ON vec.id = e.id
    LEFT JOIN txt ON txt.id = e.id
    ORDER BY score DESC, e.id
    LIMIT ?`;
  const bindings: Knex.RawBinding[] = [
    model.key,
    ...filterBindings,
    String(pgvector.toSql(query.vector)),
    candidates,
    query.text,
    ...filterBindings,
    candidates,
    weights.vectorWeight,
    weights.textWeight,
    query.limit,
  ];
  return { sql, bindings, candidates };
}
