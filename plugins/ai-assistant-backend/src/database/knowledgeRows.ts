import type { JsonObject } from '@backstage/types';

// Rows of the knowledge tables as knex reads them (see migrations/), for `knex<Row>(table)`.

/** A row of `documents`: one ingested document. */
export interface DocumentRow {
  source: string;
  document_id: string;
  title: string;
  url: string;
  entity_ref: string | null;
  entity_refs: string[] | null;
  version: string | null;
  content_hash: string;
  embedding_model: string;
  chunk_count: number;
  /** JSON text when written, an object when read. */
  metadata: JsonObject | string;
  source_updated_at: Date | null;
  ingested_at: Date;
}

/** A row of `embeddings`: one chunk with its vector (pgvector's text form when written). */
export interface EmbeddingRow {
  id: string | number;
  source: string;
  document_id: string;
  chunk_index: number;
  content: string;
  content_hash: string;
  metadata: JsonObject | string;
  entity_ref: string | null;
  entity_refs: string[] | null;
  embedding: string;
  embedding_model: string;
}

/** A row of the hybrid search statement (see buildHybridSearchSql); traced ones have more. */
export interface SearchRow {
  id: string | number;
  source: string;
  document_id: string;
  chunk_index: number;
  content: string;
  entity_ref: string | null;
  entity_refs: string[] | null;
  metadata: JsonObject & { section?: string; anchor?: string };
  title: string;
  url: string;
  score: number | string;
  vector_score?: number | null;
  vector_rank?: number | string | null;
  keyword_score?: number | null;
  keyword_rank?: number | string | null;
  keyword_query?: string | null;
  keyword_terms?: Array<{
    lexeme: string;
    idf: number;
    matched: boolean;
    anded: boolean;
    overBudget: boolean;
  }> | null;
}
