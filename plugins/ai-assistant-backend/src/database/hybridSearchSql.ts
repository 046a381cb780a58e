import type { Knex } from 'knex';
import pgvector from 'pgvector';
import { keywordText } from '../ingestion/keywordText';
import type { HybridWeights, KnowledgeQuery } from './knowledgeTypes';
import {
  nearestChunksSql,
  type EmbeddingModel,
  type VectorIndexPlan,
} from './vectorIndex';

// The keyword leg matches chunks by the question's rarest terms only, adding terms from the
// rarest up while the chunks they match (their document frequencies summed) stay within this
// many (the rarest term is matched even alone over it, so that the leg finds something); the
// other terms still add to the score of the chunks found. So a common word never
// makes the leg score a large share of the corpus, and its cost is bounded whatever the
// corpus size (Elasticsearch's "common terms" cut-off, by count).
const MATCH_BUDGET = 1_000;

// Terms of a question that score at all: the rarest few carry all the signal.
const MAX_TERMS = 12;

// ts_rank normalisation 1: divides by 1 + log(length), so long chunks do not win by size.
const LENGTH_NORMALISATION = 1;

// Later chunks of a document already ranked count this much less each, so that results
// cover several documents rather than several chunks of one.
const SAME_DOCUMENT_DECAY = 0.5;

/**
 * SQL of a leg's score scaled to 0–1 over its candidates (min-max): 0 for a chunk the leg did
 * not find, 1 for each when all its candidates score alike (a single hit is a full hit).
 */
function scaled(score: string, range: string): string {
  return `CASE WHEN ${score} IS NULL THEN 0 ELSE COALESCE((${score} - ${range}.low) / nullif(${range}.high - ${range}.low, 0), 1) END`;
}

/**
 * The keyword leg's tsquery: the matched terms OR-ed, or, when even the rarest term matches
 * more chunks than MATCH_BUDGET, the terms that narrow it down AND-ed (the AND fallback).
 */
const KEYWORD_QUERY = `(SELECT CASE WHEN bool_or(over_budget)
                  THEN string_agg(term::text, ' & ') FILTER (WHERE anded)
                  ELSE string_agg(term::text, ' | ') FILTER (WHERE matched) END::tsquery
                FROM terms)`;

/** The question's indexed terms, rarest first, with their weight, for a search trace. */
const KEYWORD_TERMS = `(SELECT json_agg(json_build_object('lexeme', lexeme, 'idf', idf, 'matched', matched, 'anded', anded, 'overBudget', over_budget) ORDER BY idf DESC, lexeme) FROM terms)`;

/**
 * The hybrid search statement.
 *
 * The vector leg is nearestChunksSql: the HNSW index's candidates, re-ranked exactly when the
 * index is on the vectors' sign bits.
 *
 * The keyword leg ranks like a search engine: each term of the question weighs its inverse
 * document frequency (BM25's, from `keyword_terms`), times `ts_rank` of the chunk for that
 * term alone (term frequency, saturating, normalised by length). A chunk's `tsv` holds its
 * title and heading path too (see chunkTsv), so a term of its section counts like one of
 * its text. Chunks are matched through the GIN index by the rarest terms only (see
 * MATCH_BUDGET).
 *
 * The legs are fused by a convex combination of their min-max normalised scores (Bruch et
 * al., "An Analysis of Fusion Functions for Hybrid Retrieval", 2023: better than reciprocal
 * rank fusion, which throws away how far ahead a leg's first hit is); later chunks of a
 * document decay.
 *
 * With `trace`, the same statement returns every fused candidate (not only the best
 * `query.limit`) with each leg's raw score and rank and the keyword leg's tsquery and terms,
 * for the retrieval test; the order, and so the first `query.limit` rows, stay the same.
 */
export function buildHybridSearchSql(
  plan: VectorIndexPlan,
  model: EmbeddingModel,
  query: KnowledgeQuery,
  weights: HybridWeights,
  textSearchConfig: string,
  trace = false,
): { sql: string; bindings: Knex.RawBinding[]; efSearch: number } {
  const candidates = Math.max(query.limit * 4, 40);
  const filters: string[] = [];
  const filterBindings: Knex.RawBinding[] = [];
  if (query.sources) {
    filters.push('AND e.source = ANY(?)');
    filterBindings.push(query.sources);
  }
  if (query.entityRefs) {
    filters.push('AND e.entity_ref = ANY(?)');
    filterBindings.push(query.entityRefs);
  }
  if (query.readableEntityRefs) {
    filters.push(
      'AND (e.entity_ref IS NULL OR e.entity_ref = ANY(?)) AND (e.entity_refs IS NULL OR e.entity_refs <@ ?::text[])',
    );
    filterBindings.push(query.readableEntityRefs, query.readableEntityRefs);
  }
  const filterSql = filters.join(' ');
  const mode = query.mode ?? 'hybrid';
  const vectorOn = mode !== 'keyword';
  const keywordOn = mode !== 'vector';

  const nearest = nearestChunksSql(
    plan,
    model.key,
    String(pgvector.toSql(query.vector)),
    candidates,
    {
      sql: `${filterSql} ${vectorOn ? '' : 'AND false'}`,
      bindings: filterBindings,
    },
  );
  const sql = `
    WITH vec AS (
      SELECT id, 1 - distance AS sim, row_number() OVER () AS rank FROM (
        ${nearest.sql}
      ) nearest
    ), terms AS (
      SELECT lexeme, idf, matched, anded, over_budget,
             ('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''')::tsquery AS term
      FROM (
        SELECT t.lexeme,
               ln(1 + (n.chunks - t.chunks + 0.5) / (t.chunks + 0.5)) AS idf,
               (sum(t.chunks) OVER rarest <= ${MATCH_BUDGET} OR row_number() OVER rarest = 1) AS matched,
               coalesce(n.chunks * exp(sum(ln(t.chunks::float8 / n.chunks)) OVER rarer) > ${MATCH_BUDGET}, true) AS anded,
               first_value(t.chunks) OVER rarest > ${MATCH_BUDGET} AS over_budget
        FROM keyword_terms t,
             (SELECT greatest(chunks, 1) AS chunks FROM keyword_terms WHERE lexeme = '') n
        WHERE t.lexeme = ANY(tsvector_to_array(to_tsvector(?::regconfig, ?)))
          AND t.lexeme <> '' AND t.chunks > 0
        WINDOW rarest AS (ORDER BY t.chunks, t.lexeme),
               rarer AS (rarest ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        ORDER BY t.chunks, t.lexeme
        LIMIT ${MAX_TERMS}
      ) ranked
    ), txt AS (
      SELECT id, score AS kw, row_number() OVER (ORDER BY score DESC, id) AS rank FROM (
        SELECT e.id, sum(terms.idf * ts_rank(e.tsv, terms.term, ${LENGTH_NORMALISATION})) AS score
        FROM embeddings e, terms
        WHERE e.tsv @@ ${KEYWORD_QUERY}
          ${filterSql} ${keywordOn ? '' : 'AND false'}
        GROUP BY e.id
        ORDER BY score DESC, e.id
        LIMIT ?
      ) best
    ), fused AS (
      SELECT e.id, e.source, e.document_id, e.chunk_index, e.content, e.entity_ref, e.entity_refs, e.metadata,
             ?::float8 * ${scaled('vec.sim', 'vec_range')} + ?::float8 * ${scaled('txt.kw', 'txt_range')} AS score
             ${trace ? ', vec.sim AS vector_score, vec.rank AS vector_rank, txt.kw AS keyword_score, txt.rank AS keyword_rank' : ''}
      FROM (SELECT id FROM vec UNION SELECT id FROM txt) hits
      JOIN embeddings e ON e.id = hits.id
      LEFT JOIN vec ON vec.id = e.id
      LEFT JOIN txt ON txt.id = e.id
      CROSS JOIN (SELECT min(sim) AS low, max(sim) AS high FROM vec) vec_range
      CROSS JOIN (SELECT min(kw) AS low, max(kw) AS high FROM txt) txt_range
    ), ranked AS (
      SELECT fused.*, row_number() OVER (PARTITION BY source, document_id ORDER BY score DESC, id) AS nth
      FROM fused
    )
    SELECT r.id, r.source, r.document_id, r.chunk_index, r.content, r.entity_ref, r.entity_refs, r.metadata,
           d.title, d.url, r.score * power(${SAME_DOCUMENT_DECAY}, r.nth - 1) AS score
           ${trace ? `, r.vector_score, r.vector_rank, r.keyword_score, r.keyword_rank, ${KEYWORD_QUERY}::text AS keyword_query, ${KEYWORD_TERMS} AS keyword_terms` : ''}
    FROM ranked r
    JOIN documents d ON d.source = r.source AND d.document_id = r.document_id
    ORDER BY score DESC, r.id
    ${trace ? '' : 'LIMIT ?'}`;
  const bindings: Knex.RawBinding[] = [
    ...(nearest.bindings as Knex.RawBinding[]),
    textSearchConfig,
    keywordText(query.text),
    ...filterBindings,
    candidates,
    weights.vectorWeight,
    weights.textWeight,
    ...(trace ? [] : [query.limit]),
  ];
  return { sql, bindings, efSearch: nearest.efSearch };
}
