import type { Knex } from 'knex';
import { KnowledgeOverview } from './KnowledgeOverview';
import { KnowledgeSearcher, type SearchReplica } from './KnowledgeSearcher';
import type {
  DocumentState,
  DocumentWrite,
  HybridWeights,
  KnowledgeModel,
  KnowledgeQuery,
  KnowledgeSearchResult,
  RecentDocument,
  SourceDetails,
  StoredChunk,
  StoredDocument,
  Vector,
} from './knowledgeTypes';
import { KnowledgeWriter } from './KnowledgeWriter';
import type { SearchTraceSink } from './searchTrace';
import type { EmbeddingModel, VectorIndexPlan } from './vectorIndex';
import type { IndexBuildSettings } from './vectorIndexBuild';
import { VectorIndexes } from './VectorIndexes';

// The store's vocabulary, for callers that import it with the store.
export type * from './knowledgeTypes';

/**
 * The `documents` and `embeddings` tables: what was ingested, its chunks and their vectors,
 * and hybrid retrieval over them, all of one embedding model, the one the store is bound
 * to. A facade over the writer (ingestion), the searcher (retrieval), the overview (status)
 * and the vector index lifecycle.
 */
export class KnowledgeStore {
  private constructor(
    private readonly model: () => Promise<EmbeddingModel>,
    private readonly indexes: VectorIndexes,
    private readonly writer: KnowledgeWriter,
    private readonly searcher: KnowledgeSearcher,
    private readonly overview: KnowledgeOverview,
  ) {}

  /**
   * Wraps an already migrated database for one embedding model: `model` is the model, or how
   * to get it (e.g. `() => embeddings.getModel()`, asked at each use until it answers). With
   * `readReplica`, searches read from it and everything else (writes, index preparation)
   * stays on `knex`; a search the replica fails is reported through `onError` and retried on
   * `knex`. `textSearchConfig` is the Postgres text-search configuration (language) of the
   * keyword index, `english` by default. `indexBuild` tunes the index builds that follow bulk
   * loads (see beginBulkLoad).
   */
  static create(options: {
    knex: Knex;
    model: KnowledgeModel;
    weights?: HybridWeights;
    textSearchConfig?: string;
    readReplica?: SearchReplica;
    indexBuild?: IndexBuildSettings;
  }): KnowledgeStore {
    const { knex, model: bound } = options;
    const model =
      typeof bound === 'function' ? bound : () => Promise.resolve(bound);
    const textSearchConfig = options.textSearchConfig ?? 'english';
    const indexes = new VectorIndexes(knex, options.indexBuild);
    return new KnowledgeStore(
      model,
      indexes,
      new KnowledgeWriter(knex, model, textSearchConfig),
      new KnowledgeSearcher(
        knex,
        indexes,
        model,
        options.weights ?? { vectorWeight: 0.5, textWeight: 1 },
        textSearchConfig,
        options.readReplica,
      ),
      new KnowledgeOverview(knex),
    );
  }

  /** The embedding model the store serves: its chunks are written and searched with it. */
  currentModel(): Promise<EmbeddingModel> {
    return this.model();
  }

  /** Fails with a clear message when the text-search configuration does not exist. */
  checkTextSearchConfig(): Promise<void> {
    return this.searcher.checkTextSearchConfig();
  }

  /**
   * Makes the store ready to serve its model: the model's HNSW index exists, and indexes of
   * other models are dropped (see VectorIndexes).
   */
  async prepareModel(): Promise<VectorIndexPlan> {
    return this.indexes.prepareModel(await this.model());
  }

  /**
   * Starts writing many chunks: defers the model's index when that pays (see
   * VectorIndexes.beginBulkLoad). Returns whether it did; call finishBulkLoad only then.
   */
  async beginBulkLoad(): Promise<boolean> {
    return this.indexes.beginBulkLoad(await this.model());
  }

  /** Ends a bulk load; the last one under way builds the index. Returns whether it did. */
  async finishBulkLoad(): Promise<boolean> {
    return this.indexes.finishBulkLoad(await this.model());
  }

  /** The state of every stored document of one ingestor, by document id. */
  getDocumentStates(source: string): Promise<Map<string, DocumentState>> {
    return this.writer.getDocumentStates(source);
  }

  /**
   * Vectors already stored for the given documents under the store's model, by document id
   * and chunk hash, so that unchanged chunks of a changed document are not embedded again.
   */
  getReusableEmbeddings(
    source: string,
    documentIds: string[],
  ): Promise<Map<string, Map<string, Vector>>> {
    return this.writer.getReusableEmbeddings(source, documentIds);
  }

  /**
   * Replaces a document and all of its chunks in one transaction, and updates the keyword
   * index's term counts by the difference.
   */
  writeDocument(
    document: StoredDocument,
    chunks: StoredChunk[],
  ): Promise<void> {
    return this.writer.writeDocuments(document.source, [{ document, chunks }]);
  }

  /**
   * Replaces documents of one ingestor and all of their chunks in one transaction (all or
   * nothing: when one document's data is refused, none is written); see KnowledgeWriter.
   */
  writeDocuments(source: string, batch: DocumentWrite[]): Promise<void> {
    return this.writer.writeDocuments(source, batch);
  }

  /**
   * Deletes the documents of an ingestor that are not in `keep`, and their chunks.
   * Returns how many documents and chunks went.
   */
  pruneDocuments(
    source: string,
    keep: ReadonlySet<string>,
  ): Promise<{ documents: number; chunks: number }> {
    return this.writer.pruneDocuments(source, keep);
  }

  /** Tidies up the indexes and statistics after many writes (see KnowledgeWriter). */
  optimize(): Promise<void> {
    return this.writer.optimize();
  }

  /** Recounts the keyword index's term frequencies (for chunks loaded around the store). */
  rebuildKeywordIndex(): Promise<void> {
    return this.writer.rebuildKeywordIndex();
  }

  /** The latest documents of each ingestor, for example questions (see KnowledgeOverview). */
  recentDocuments(perSource: number): Promise<RecentDocument[]> {
    return this.overview.recentDocuments(perSource);
  }

  /** Counts stored documents and chunks, per ingestor. */
  countBySource(): Promise<Map<string, { documents: number; chunks: number }>> {
    return this.overview.countBySource();
  }

  /** Per ingestor, its documents' models and freshness (see KnowledgeOverview). */
  sourceDetails(): Promise<Map<string, SourceDetails>> {
    return this.overview.sourceDetails();
  }

  /**
   * Hybrid retrieval over the store's model (see KnowledgeSearcher). With `trace`, also
   * reports what each leg found (the retrieval test).
   */
  search(
    query: KnowledgeQuery,
    trace?: SearchTraceSink,
  ): Promise<KnowledgeSearchResult[]> {
    return this.searcher.search(query, trace);
  }

  /** The query plan of a hybrid search, as `EXPLAIN` prints it (for troubleshooting). */
  explainSearch(query: KnowledgeQuery): Promise<string> {
    return this.searcher.explainSearch(query);
  }
}
