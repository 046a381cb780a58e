import type { JsonObject } from '@backstage/types';
import type { EmbeddingModel } from './vectorIndex';

// The knowledge store's vocabulary, apart from the classes that use it, so that the SQL
// builders (hybridSearchSql, searchTrace) and the store need not import each other.

/**
 * The embedding model a knowledge store serves: the model itself, or how to get it when it
 * is known only once the provider has answered (EmbeddingsService.getModel).
 */
export type KnowledgeModel = EmbeddingModel | (() => Promise<EmbeddingModel>);

/** A vector as the store takes it: the provider's numbers, as an array or a Float32Array. */
export type Vector = ArrayLike<number>;

/** Weights of the two legs of hybrid search in their convex combination. */
export interface HybridWeights {
  vectorWeight: number;
  textWeight: number;
}

/** What the store remembers of a document between runs. */
export interface DocumentState {
  contentHash: string;
  version?: string;
  embeddingModel: string;
  chunkCount: number;
}

/** A document as written by the ingestion pipeline. */
export interface StoredDocument {
  source: string;
  documentId: string;
  title: string;
  url: string;
  entityRef?: string;
  /** Every entity that guards the document when several do; readers need all of them. */
  entityRefs?: string[];
  version?: string;
  contentHash: string;
  metadata: JsonObject;
  sourceUpdatedAt?: Date;
}

/** A chunk as written by the ingestion pipeline, with its vector. */
export interface StoredChunk {
  content: string;
  /** Hash of the text the vector was made from (see embeddingText), to reuse it. */
  contentHash: string;
  /** The provider's numbers, or a stored vector read back for reuse (getReusableEmbeddings). */
  embedding: Vector;
  /** Where the chunk is: the document's title(s) (default: the document's title)… */
  title?: string;
  /** …and its heading path, e.g. `Installation > Helm`. */
  section?: string;
  /** Fragment of the chunk's section in the document's URL, without `#`. */
  anchor?: string;
}

/** A document with all of its chunks, as one write takes it. */
export interface DocumentWrite {
  document: StoredDocument;
  chunks: StoredChunk[];
}

/** A search request: the question as text and as a vector. */
export interface KnowledgeQuery {
  text: string;
  vector: number[];
  /** How many chunks to return. */
  limit: number;
  /** Only chunks of these ingestors. */
  sources?: string[];
  /** Only chunks that belong to these entities. */
  entityRefs?: string[];
  /**
   * Only chunks that belong to none of the catalog's entities or to one of these: the
   * entities the asking user may read (all of a chunk's guards, when several guard it). Applied inside both legs of the search, so a user who
   * may read few entities still gets `limit` chunks when that many exist.
   */
  readableEntityRefs?: string[];
  /**
   * Which legs rank the results: both fused (the default), or one alone, to measure what
   * each contributes (the evaluation command does).
   */
  mode?: SearchMode;
}

/**
 * The legs of a search: both fused, the vector leg alone or the keyword leg alone. (Public
 * through the `/testUtils` entry.)
 *
 * @public
 */
export type SearchMode = 'hybrid' | 'vector' | 'keyword';

/** One retrieved chunk with the document it came from. */
export interface KnowledgeSearchResult {
  chunkId: string;
  source: string;
  documentId: string;
  chunkIndex: number;
  content: string;
  title: string;
  url: string;
  entityRef?: string;
  /** Every entity that guards the chunk's document when several do; readers need all. */
  entityRefs?: string[];
  metadata: JsonObject;
  /** Heading path of the chunk's section, e.g. `Installation > Helm`. */
  section?: string;
  /** Fragment of the chunk's section in `url`, without `#`. */
  anchor?: string;
  /** Fused score: the legs' scaled scores, weighted and added; higher is better. */
  score: number;
}

/** A recently ingested document, with the entities that guard it. */
export interface RecentDocument {
  source: string;
  documentId: string;
  title: string;
  entityRef?: string;
  entityRefs?: string[];
}

/** What one ingestor's stored documents were embedded with, and how fresh they are. */
export interface SourceDetails {
  /** One entry per model, most documents first: two while a model change is under way. */
  models: Array<{ key: string; documents: number; chunks: number }>;
  /** The newest source update of a document, when its ingestor tells. */
  newestSourceUpdate?: Date;
  /** The last time a document of the ingestor was written. */
  lastWritten?: Date;
}
