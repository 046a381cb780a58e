import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import { KnowledgeStore } from '../database/KnowledgeStore';
import type { SearchMode } from '../database/knowledgeTypes';
import type { EmbeddingModel, VectorIndexPlan } from './vectorIndex';

// The knowledge store as harnesses see it: only what they call, declared here so that the
// store's class and its many internal types stay out of the package's API. The store's
// instances satisfy these interfaces; tsc checks that where they are returned.

export type { SearchMode };

/**
 * A search of the knowledge store: the question as text and as a vector.
 *
 * @public
 */
export interface KnowledgeQuery {
  /** The question, for the keyword leg. */
  text: string;
  /** The question's embedding, for the vector leg. */
  vector: number[];
  /** How many chunks to return. */
  limit: number;
  /** Only chunks of these ingestors. */
  sources?: string[];
  /** Which legs rank the results; `hybrid` when left out. */
  mode?: SearchMode;
}

/**
 * One chunk a search found, with the document it came from.
 *
 * @public
 */
export interface KnowledgeSearchResult {
  /** The chunk's row id. */
  chunkId: string;
  /** The ingestor that wrote the document. */
  source: string;
  /** The document's id within its source. */
  documentId: string;
  /** Position of the chunk in its document. */
  chunkIndex: number;
  /** The chunk's text. */
  content: string;
  /** The document's title. */
  title: string;
  /** The document's URL. */
  url: string;
  /** Fused score of the legs; higher is better. */
  score: number;
}

/**
 * A document with all of its chunks and their vectors, written in one go (see
 * {@link TestKnowledgeStore.writeDocuments}).
 *
 * @public
 */
export interface DocumentWrite {
  /** The document as an ingestor yields it, with the hash of its content. */
  document: {
    source: string;
    documentId: string;
    title: string;
    url: string;
    contentHash: string;
    metadata: JsonObject;
  };
  /** The document's chunks, in order, each with its embedding. */
  chunks: Array<{
    content: string;
    contentHash: string;
    embedding: ArrayLike<number>;
  }>;
}

/**
 * The plugin's knowledge store (documents, chunks, vector and keyword indexes), with the
 * operations benchmarks and evaluations time or check.
 *
 * @public
 */
export interface TestKnowledgeStore {
  /**
   * Makes the store ready to serve its model, as at startup: the model's HNSW index exists.
   * Returns how the model is indexed.
   */
  prepareModel(): Promise<VectorIndexPlan>;
  /**
   * Starts writing many chunks: defers the model's vector index when that pays. Returns
   * whether it did; call {@link TestKnowledgeStore.finishBulkLoad} only then.
   */
  beginBulkLoad(): Promise<boolean>;
  /** Ends a bulk load; the last one under way builds the index. Returns whether it did. */
  finishBulkLoad(): Promise<boolean>;
  /** Replaces documents of one source and all of their chunks, in one transaction. */
  writeDocuments(source: string, batch: DocumentWrite[]): Promise<void>;
  /** Tidies up the indexes and statistics after many writes, as the plugin does after a run. */
  optimize(): Promise<void>;
  /** Recounts the keyword index's term frequencies, for chunks loaded around the store. */
  rebuildKeywordIndex(): Promise<void>;
  /** Documents and chunks stored per source. */
  countBySource(): Promise<Map<string, { documents: number; chunks: number }>>;
  /** The chunks that best answer the query, best first. */
  search(query: KnowledgeQuery): Promise<KnowledgeSearchResult[]>;
  /** Postgres's plan (EXPLAIN) of the search statement, to check which indexes it uses. */
  explainSearch(query: KnowledgeQuery): Promise<string>;
}

/**
 * Options of {@link createKnowledgeStore}.
 *
 * @public
 */
export interface KnowledgeStoreOptions {
  /** A database with the plugin's schema (see prepareKnowledgeDatabase). */
  knex: Knex;
  /** The embedding model the store serves. */
  model: EmbeddingModel;
  /** Weights of the legs of hybrid search; the plugin's defaults when left out. */
  weights?: { vectorWeight: number; textWeight: number };
  /** Postgres text-search configuration of the keyword index; `english` when left out. */
  textSearchConfig?: string;
}

/**
 * The plugin's knowledge store on `knex`, serving one embedding model, for harnesses that
 * load and search it without the ingestion pipeline.
 *
 * @public
 */
export function createKnowledgeStore(
  options: KnowledgeStoreOptions,
): TestKnowledgeStore {
  return KnowledgeStore.create(options);
}
