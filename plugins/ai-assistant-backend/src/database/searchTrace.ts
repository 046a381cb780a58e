import { keywordText } from '../ingestion/keywordText';
import type { SearchRow } from './knowledgeRows';
import type { KnowledgeQuery, KnowledgeSearchResult } from './knowledgeTypes';

/** One candidate of one leg of a hybrid search. */
export interface LegCandidate {
  chunkId: string;
  /** 1 is the leg's best. */
  rank: number;
  /** The leg's raw score: cosine similarity (vector leg) or rarity-weighted rank (keyword leg). */
  score: number;
}

/** A term of the question that the keyword index knows, rarest first. */
export interface KeywordTerm {
  lexeme: string;
  /** Inverse document frequency: how much the term weighs. */
  idf: number;
  /** Whether the term selects chunks (the rarest terms within the match budget do). */
  matched: boolean;
}

/**
 * What one hybrid search did, leg by leg: the query each leg saw, each leg's candidates and
 * the fused ranking of all of them (best first; the search returned the first `limit`).
 */
export interface SearchLegs {
  /** The text the keyword leg turned into terms (the question with identifiers split). */
  keywordText: string;
  /**
   * The tsquery that selected the keyword leg's chunks: terms OR-ed, or AND-ed when even the
   * rarest term is too common (the AND fallback); none when no term is in the index.
   */
  tsquery?: string;
  /** Whether the AND fallback was used. */
  andFallback: boolean;
  terms: KeywordTerm[];
  vector: LegCandidate[];
  keyword: LegCandidate[];
  /** Every candidate of either leg with its fused score, best first. */
  fused: KnowledgeSearchResult[];
  /** How many of `fused` the search returned. */
  limit: number;
}

/** Receives the legs of a search run with a trace. */
export type SearchTraceSink = (legs: SearchLegs) => void;

/**
 * The legs of a traced search from the rows of the traced statement (see
 * buildHybridSearchSql) and the fused results already read from those rows.
 */
export function searchLegsOf(
  query: KnowledgeQuery,
  rows: SearchRow[],
  fused: KnowledgeSearchResult[],
): SearchLegs {
  const leg = (
    rankColumn: 'vector_rank' | 'keyword_rank',
    scoreColumn: 'vector_score' | 'keyword_score',
  ): LegCandidate[] =>
    rows
      .filter(row => row[rankColumn] !== null && row[rankColumn] !== undefined)
      .map(row => ({
        chunkId: String(row.id),
        rank: Number(row[rankColumn]),
        score: Number(row[scoreColumn]),
      }))
      .sort((a, b) => a.rank - b.rank);
  const terms = rows[0]?.keyword_terms ?? [];
  return {
    keywordText: keywordText(query.text),
    tsquery: rows[0]?.keyword_query ?? undefined,
    andFallback: terms.some(term => term.overBudget),
    terms: terms.map(term => ({
      lexeme: term.lexeme,
      idf: Number(term.idf),
      matched: Boolean(term.matched),
    })),
    vector: leg('vector_rank', 'vector_score'),
    keyword: leg('keyword_rank', 'keyword_score'),
    fused,
    limit: query.limit,
  };
}
