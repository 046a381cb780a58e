import type { Knex } from 'knex';
import { keywordText } from '../ingestion/keywordText';

/** What the keyword index is told of a chunk: where it is and what it says. */
export interface KeywordFields {
  title: string;
  section?: string;
  content: string;
}

/** Lexeme → change in the number of chunks that contain it; `''` counts chunks. */
export type TermCounts = Map<string, number>;

/**
 * The SQL expression of a chunk's `tsv`: its title, heading path and text, with identifiers
 * spelled out (see keywordText), in the text-search configuration. All three weigh alike:
 * boosting title and heading matches (ts_rank's A and B weights) lost 8 points of keyword
 * recall@5 on the open golden set, as every chunk of a page repeats its title.
 */
export function chunkTsv(
  knex: Knex,
  config: string,
  fields: KeywordFields,
): Knex.Raw {
  return knex.raw('to_tsvector(?::regconfig, ?)', [
    config,
    keywordSource(fields),
  ]);
}

/** The text a chunk's `tsv` is made of (see chunkTsv), for writers that compute it in SQL. */
export function keywordSource(fields: KeywordFields): string {
  return keywordText(
    [fields.title, fields.section ?? '', fields.content].join('\n'),
  );
}

const COUNT_TERMS = `
  SELECT u.lexeme, count(*)::int AS chunks FROM embeddings e, unnest(e.tsv) u
   WHERE e.source = ? AND e.document_id = ANY(?) GROUP BY u.lexeme
  UNION ALL
  SELECT '', count(*)::int FROM embeddings WHERE source = ? AND document_id = ANY(?)`;

/** How many chunks of the given documents contain each lexeme (and `''`: how many chunks). */
export async function countTerms(
  knex: Knex,
  source: string,
  documentIds: string[],
): Promise<TermCounts> {
  const { rows } = await knex.raw<{
    rows: Array<{ lexeme: string; chunks: number }>;
  }>(COUNT_TERMS, [source, documentIds, source, documentIds]);
  return new Map(rows.map(row => [row.lexeme, row.chunks]));
}

/**
 * Adds the counts of the given documents' chunks to `keyword_terms`, less `removed` (the
 * counts of chunks they had before), in one statement. Rows are locked in lexeme order, so
 * documents written at once never deadlock; run it last in the write transaction, so the
 * rows every document shares (the empty lexeme, common words) stay locked only until commit.
 */
export async function applyTermCounts(
  knex: Knex,
  source: string,
  documentIds: string[],
  removed: TermCounts,
): Promise<void> {
  await knex.raw(
    `INSERT INTO keyword_terms (lexeme, chunks)
     SELECT lexeme, sum(chunks)::int FROM (
       ${COUNT_TERMS}
       UNION ALL
       SELECT lexeme, -chunks FROM unnest(?::text[], ?::int[]) AS removed(lexeme, chunks)
     ) delta
     GROUP BY lexeme HAVING sum(chunks) <> 0
     ORDER BY lexeme
     ON CONFLICT (lexeme) DO UPDATE SET chunks = keyword_terms.chunks + excluded.chunks`,
    [
      source,
      documentIds,
      source,
      documentIds,
      [...removed.keys()],
      [...removed.values()],
    ],
  );
}

/**
 * Recounts `keyword_terms` from every chunk; for chunks written by other means than the
 * store (bulk loads, restores of a partial dump).
 */
export async function rebuildTermCounts(knex: Knex): Promise<void> {
  await knex.transaction(async trx => {
    await trx.raw('LOCK TABLE keyword_terms IN EXCLUSIVE MODE');
    await trx.raw('DELETE FROM keyword_terms');
    await trx.raw(
      `INSERT INTO keyword_terms (lexeme, chunks)
         SELECT u.lexeme, count(*) FROM embeddings e, unnest(e.tsv) u GROUP BY u.lexeme
         UNION ALL SELECT '', count(*) FROM embeddings`,
    );
  });
}
