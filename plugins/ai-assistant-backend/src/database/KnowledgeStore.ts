import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import { buildHybridSearchSql, HybridWeights } from './hybridSearchSql';
import { insertChunkRows } from './chunkRows';
import { applyTermCounts, countTerms, rebuildTermCounts } from './keywordIndex';
import type { VectorValue } from './vectorCodec';
import { searchLegsOf, type SearchTraceSink } from './searchTrace';
import type { EmbeddingModel, VectorIndexPlan } from './vectorIndex';
import type { IndexBuildSettings } from './vectorIndexBuild';
import { VectorIndexes } from './VectorIndexes';

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
  /** The provider's numbers, or pgvector's text form (a stored vector read back for reuse). */
  embedding: VectorValue;
  /** Where the chunk is: the document's title(s) (default: the document's title)… */
  title?: string;
  /** …and its heading path, e.g. `Installation > Helm`. */
  section?: string;
  /** Fragment of the chunk's section in the document's URL, without `#`. */
  anchor?: string;
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

/** The legs of a search: both fused, the vector leg alone or the keyword leg alone. */
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

/**
 * The `documents` and `embeddings` tables: what was ingested, its chunks and their vectors,
 * and hybrid retrieval over them.
 */
export class KnowledgeStore {
  private readonly indexes: VectorIndexes;

  private constructor(
    private readonly knex: Knex,
    private readonly weights: HybridWeights,
    private readonly textSearchConfig: string,
    private readonly reader?: {
      knex: Knex;
      onError: (error: unknown) => void;
    },
    indexBuild?: IndexBuildSettings,
  ) {
    this.indexes = new VectorIndexes(knex, indexBuild);
  }

  /**
   * Wraps an already migrated database. With `readReplica`, searches read from it and
   * everything else (writes, index preparation) stays on `knex`; a search the replica
   * fails is reported through `onError` and retried on `knex`. `textSearchConfig` is the
   * Postgres text-search configuration (language) of the keyword index, `english` by default.
   * `indexBuild` tunes the index builds that follow bulk loads (see beginBulkLoad).
   */
  static create(options: {
    knex: Knex;
    weights?: HybridWeights;
    textSearchConfig?: string;
    readReplica?: { knex: Knex; onError: (error: unknown) => void };
    indexBuild?: IndexBuildSettings;
  }): KnowledgeStore {
    return new KnowledgeStore(
      options.knex,
      options.weights ?? { vectorWeight: 0.5, textWeight: 1 },
      options.textSearchConfig ?? 'english',
      options.readReplica,
      options.indexBuild,
    );
  }

  /** Fails with a clear message when the text-search configuration does not exist. */
  async checkTextSearchConfig(): Promise<void> {
    const { rows } = await this.knex.raw(
      'SELECT 1 FROM pg_ts_config WHERE cfgname = ?',
      [this.textSearchConfig],
    );
    if (rows.length === 0) {
      const { rows: known } = await this.knex.raw(
        'SELECT cfgname FROM pg_ts_config ORDER BY cfgname',
      );
      throw new Error(
        `Invalid config aiAssistant.storage.pgVector.hybrid.textSearchConfig: the database has no text search configuration '${this.textSearchConfig}'; use one of ${known.map((row: { cfgname: string }) => row.cfgname).join(', ')}`,
      );
    }
  }

  /**
   * Makes the store ready to serve a model: its HNSW index exists, and indexes of other
   * models are dropped (see VectorIndexes).
   */
  prepareModel(model: EmbeddingModel): Promise<VectorIndexPlan> {
    return this.indexes.prepareModel(model);
  }

  /**
   * Starts writing many chunks of a model: defers its index when that pays (see
   * VectorIndexes.beginBulkLoad). Returns whether it did; call finishBulkLoad only then.
   */
  beginBulkLoad(model: EmbeddingModel): Promise<boolean> {
    return this.indexes.beginBulkLoad(model);
  }

  /** Ends a bulk load; the last one under way builds the index. Returns whether it did. */
  finishBulkLoad(model: EmbeddingModel): Promise<boolean> {
    return this.indexes.finishBulkLoad(model);
  }

  /** The state of every stored document of one ingestor, by document id. */
  async getDocumentStates(source: string): Promise<Map<string, DocumentState>> {
    const rows = await this.knex('documents')
      .where({ source })
      .select(
        'document_id',
        'content_hash',
        'version',
        'embedding_model',
        'chunk_count',
      );
    return new Map(
      rows.map(row => [
        row.document_id,
        {
          contentHash: row.content_hash,
          version: row.version ?? undefined,
          embeddingModel: row.embedding_model,
          chunkCount: row.chunk_count,
        },
      ]),
    );
  }

  /**
   * Vectors already stored for the given documents under the given model, by document id and
   * chunk hash, so that unchanged chunks of a changed document are not embedded again.
   */
  async getReusableEmbeddings(
    source: string,
    documentIds: string[],
    modelKey: string,
  ): Promise<Map<string, Map<string, string>>> {
    const result = new Map<string, Map<string, string>>();
    if (documentIds.length === 0) {
      return result;
    }
    const rows = await this.knex('embeddings')
      .where({ source, embedding_model: modelKey })
      .whereIn('document_id', documentIds)
      .select(
        'document_id',
        'content_hash',
        this.knex.raw('embedding::text AS embedding'),
      );
    for (const row of rows) {
      let byHash = result.get(row.document_id);
      if (!byHash) {
        byHash = new Map();
        result.set(row.document_id, byHash);
      }
      byHash.set(row.content_hash, row.embedding);
    }
    return result;
  }

  /**
   * Replaces a document and all of its chunks in one transaction, and updates the keyword
   * index's term counts by the difference.
   */
  async writeDocument(
    document: StoredDocument,
    chunks: StoredChunk[],
    modelKey: string,
  ): Promise<void> {
    await this.writeDocuments(
      document.source,
      [{ document, chunks }],
      modelKey,
    );
  }

  /**
   * Replaces documents of one ingestor and all of their chunks in one transaction, in a
   * fixed number of statements whatever their count (see insertChunkRows), and updates the
   * keyword index's term counts by the difference. All or nothing: when one document's data
   * is refused, none is written.
   */
  async writeDocuments(
    source: string,
    batch: Array<{ document: StoredDocument; chunks: StoredChunk[] }>,
    modelKey: string,
  ): Promise<void> {
    if (batch.length === 0) return;
    const ids = batch.map(({ document }) => document.documentId);
    await this.knex.transaction(async trx => {
      // Only documents stored before have chunks to count out and delete: none, on a first
      // ingestion, and two statements fewer per write.
      const replaced: string[] = (
        await trx('documents')
          .where({ source })
          .whereIn('document_id', ids)
          .select('document_id')
      ).map(row => row.document_id);
      await trx('documents')
        .insert(
          batch.map(({ document, chunks }) => {
            if (document.source !== source) {
              throw new Error(
                `Document ${document.documentId} of ${document.source} written as one of ${source}`,
              );
            }
            return {
              source,
              document_id: document.documentId,
              title: document.title,
              url: document.url,
              entity_ref: document.entityRef ?? null,
              entity_refs: document.entityRefs ?? null,
              version: document.version ?? null,
              content_hash: document.contentHash,
              embedding_model: modelKey,
              chunk_count: chunks.length,
              metadata: JSON.stringify(document.metadata),
              source_updated_at: document.sourceUpdatedAt ?? null,
              ingested_at: trx.fn.now(),
            };
          }),
        )
        .onConflict(['source', 'document_id'])
        .merge();
      const removed =
        replaced.length > 0
          ? await countTerms(trx, source, replaced)
          : new Map<string, number>();
      if (replaced.length > 0) {
        await trx('embeddings')
          .where({ source })
          .whereIn('document_id', replaced)
          .delete();
      }
      await insertChunkRows(
        trx,
        batch.flatMap(({ document, chunks }) =>
          chunks.map((chunk, index) => ({
            source,
            documentId: document.documentId,
            chunkIndex: index,
            content: chunk.content,
            contentHash: chunk.contentHash,
            metadata: JSON.stringify({
              ...document.metadata,
              ...(chunk.section && { section: chunk.section }),
              ...(chunk.anchor && { anchor: chunk.anchor }),
            }),
            embedding: chunk.embedding,
            keywordFields: {
              title: chunk.title ?? document.title,
              section: chunk.section,
              content: chunk.content,
            },
          })),
        ),
        modelKey,
        this.textSearchConfig,
      );
      await applyTermCounts(trx, source, ids, removed);
    });
  }

  /**
   * Deletes the documents of an ingestor that are not in `keep`, and their chunks.
   * Returns how many documents and chunks went.
   */
  async pruneDocuments(
    source: string,
    keep: ReadonlySet<string>,
  ): Promise<{ documents: number; chunks: number }> {
    const deleted = await this.knex.transaction(async trx => {
      const gone: string[] = (
        await trx('documents')
          .where({ source })
          .whereNot(trx.raw('document_id = ANY(?)', [[...keep]]))
          .select('document_id')
      ).map(row => row.document_id);
      if (gone.length === 0) return [];
      const removed = await countTerms(trx, source, gone);
      // Chunks go with their document (ON DELETE CASCADE); chunk_count says how many.
      const rows: Array<{ chunk_count: number }> = await trx('documents')
        .where({ source })
        .whereIn('document_id', gone)
        .delete(['chunk_count']);
      await applyTermCounts(trx, source, gone, removed);
      return rows;
    });
    return {
      documents: deleted.length,
      chunks: deleted.reduce((sum, row) => sum + row.chunk_count, 0),
    };
  }

  /**
   * Tidies up after many writes: merges the full-text index's pending list (GIN's fast-update
   * buffer, which otherwise makes the planner avoid the index) and refreshes statistics.
   */
  async optimize(): Promise<void> {
    // Every GIN index of the table, or of its partitions when an operator partitioned it by
    // source (docs/architecture.md): a partitioned index itself has no pending list.
    await this.knex.raw(
      `SELECT gin_clean_pending_list(i.indexrelid::regclass)
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid AND c.relkind = 'i'
         JOIN pg_am am ON am.oid = c.relam AND am.amname = 'gin'
        WHERE i.indrelid = 'embeddings'::regclass
           OR i.indrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'embeddings'::regclass)`,
    );
    // Terms whose last chunk went: their rows only slow the keyword leg's term look-up.
    await this.knex.raw(
      `DELETE FROM keyword_terms WHERE chunks <= 0 AND lexeme <> ''`,
    );
    await this.knex.raw('ANALYZE embeddings');
    await this.knex.raw('ANALYZE documents');
  }

  /**
   * Recounts the keyword index's term frequencies from every stored chunk. Ingestion keeps
   * them current; this is for chunks loaded by other means (bulk loads, partial restores).
   */
  async rebuildKeywordIndex(): Promise<void> {
    await rebuildTermCounts(this.knex);
  }

  /**
   * The most recently ingested documents, at most `perSource` of each ingestor, with the
   * entities that guard them, for example questions; the caller filters by permission.
   */
  async recentDocuments(perSource: number): Promise<
    Array<{
      source: string;
      documentId: string;
      title: string;
      entityRef?: string;
      entityRefs?: string[];
    }>
  > {
    const { rows } = await this.knex.raw(
      `SELECT source, document_id, title, entity_ref, entity_refs FROM (
         SELECT d.*, row_number() OVER (PARTITION BY source ORDER BY ingested_at DESC, document_id) AS nth
         FROM documents d
       ) recent
       WHERE nth <= ?
       ORDER BY nth, source`,
      [perSource],
    );
    return rows.map((row: any) => ({
      source: row.source,
      documentId: row.document_id,
      title: row.title,
      entityRef: row.entity_ref ?? undefined,
      entityRefs: row.entity_refs ?? undefined,
    }));
  }

  /** Counts stored documents and chunks, per ingestor. */
  async countBySource(): Promise<
    Map<string, { documents: number; chunks: number }>
  > {
    const { rows } = await this.knex.raw(
      'SELECT source, count(*) AS documents, coalesce(sum(chunk_count), 0) AS chunks FROM documents GROUP BY source',
    );
    return new Map(
      rows.map((row: { source: string; documents: string; chunks: string }) => [
        row.source,
        { documents: Number(row.documents), chunks: Number(row.chunks) },
      ]),
    );
  }

  /**
   * Per ingestor, what its stored documents were embedded with (a source part-way through a
   * model change has two), and its freshest content: the newest source update of a document
   * (when its ingestor tells) and the last time a document of it was written.
   */
  async sourceDetails(): Promise<
    Map<
      string,
      {
        models: Array<{ key: string; documents: number; chunks: number }>;
        newestSourceUpdate?: Date;
        lastWritten?: Date;
      }
    >
  > {
    const { rows } = await this.knex.raw(
      `SELECT source, embedding_model, count(*) AS documents, coalesce(sum(chunk_count), 0) AS chunks,
              max(source_updated_at) AS newest_source_update, max(ingested_at) AS last_written
       FROM documents GROUP BY source, embedding_model ORDER BY source, count(*) DESC, embedding_model`,
    );
    const details = new Map<
      string,
      {
        models: Array<{ key: string; documents: number; chunks: number }>;
        newestSourceUpdate?: Date;
        lastWritten?: Date;
      }
    >();
    const later = (a?: Date, b?: unknown) => {
      const date = b ? new Date(b as string) : undefined;
      return !a || (date && date > a) ? (date ?? a) : a;
    };
    for (const row of rows) {
      const entry = details.get(row.source) ?? { models: [] };
      entry.models.push({
        key: row.embedding_model,
        documents: Number(row.documents),
        chunks: Number(row.chunks),
      });
      entry.newestSourceUpdate = later(
        entry.newestSourceUpdate,
        row.newest_source_update,
      );
      entry.lastWritten = later(entry.lastWritten, row.last_written);
      details.set(row.source, entry);
    }
    return details;
  }

  /**
   * Hybrid retrieval: nearest chunks by vector (HNSW, current model only) and best chunks by
   * Postgres full-text search weighed by term rarity, fused into one ranking (see
   * hybridSearchSql). With `trace`, also reports what each leg found (the retrieval test).
   */
  async search(
    model: EmbeddingModel,
    query: KnowledgeQuery,
    trace?: SearchTraceSink,
  ): Promise<KnowledgeSearchResult[]> {
    const rows = await this.runSearchSql(model, query, '', Boolean(trace));
    const results = rows.map((row: any) => ({
      chunkId: String(row.id),
      source: row.source,
      documentId: row.document_id,
      chunkIndex: row.chunk_index,
      content: row.content,
      title: row.title,
      url: row.url,
      entityRef: row.entity_ref ?? undefined,
      entityRefs: row.entity_refs ?? undefined,
      metadata: row.metadata,
      section: row.metadata?.section,
      anchor: row.metadata?.anchor,
      score: Number(row.score),
    }));
    // Traced, the statement returns every fused candidate: the search returns the first limit.
    trace?.(searchLegsOf(query, rows, results));
    return results.slice(0, query.limit);
  }

  /**
   * The query plan of a hybrid search, as `EXPLAIN` prints it: shows whether the HNSW and
   * full-text indexes are used. For troubleshooting and tests.
   */
  async explainSearch(
    model: EmbeddingModel,
    query: KnowledgeQuery,
  ): Promise<string> {
    const rows = await this.runSearchSql(model, query, 'EXPLAIN ');
    return rows
      .map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'])
      .join('\n');
  }

  private async runSearchSql(
    model: EmbeddingModel,
    query: KnowledgeQuery,
    prefix: '' | 'EXPLAIN ',
    trace = false,
  ): Promise<any[]> {
    const plan = await this.prepareModel(model);
    const { sql, bindings, efSearch } = buildHybridSearchSql(
      plan,
      model,
      query,
      this.weights,
      this.textSearchConfig,
      trace,
    );
    // Asked before the transaction: the embedded database has a single connection.
    const { iterativeScan: iterative } = await this.indexes.vectorFeatures();
    const run = (knex: Knex) =>
      this.searchTransaction(knex, `${prefix}${sql}`, bindings, {
        iterative,
        efSearch,
      });
    if (this.reader) {
      try {
        return await run(this.reader.knex);
      } catch (error) {
        this.reader.onError(error);
      }
    }
    return run(this.knex);
  }

  private searchTransaction(
    knex: Knex,
    sql: string,
    bindings: readonly Knex.RawBinding[],
    { iterative, efSearch }: { iterative: boolean; efSearch: number },
  ): Promise<any[]> {
    const settings: Array<[string, string]> = [
      // At least 200: at 100,000 chunks of 1,536 dimensions, 40 (pgvector's default) found
      // 0.92 to 0.98 of the exact top 10 depending on the index build, 200 found 0.97 to 1
      // for about 1 ms more (bench/, search benchmark).
      ['hnsw.ef_search', String(Math.min(Math.max(efSearch, 200), 1000))],
      // Vectors live out of line (TOAST), so the heap looks small and the planner prices a
      // sequential scan + sort below the HNSW index: at 10,000 chunks of 1,536 dimensions it
      // chose an 80 ms exact scan over a 3 ms index scan. Every leg has an index to use.
      ['enable_seqscan', 'off'],
    ];
    if (iterative) {
      // Keeps filtered vector searches from coming back short when the filter is selective.
      settings.push(['hnsw.iterative_scan', 'relaxed_order']);
    }
    return knex.transaction(async trx => {
      // One statement for all settings (SET LOCAL each): a round trip each adds up per search.
      await trx.raw(
        `SELECT ${settings.map(() => 'set_config(?, ?, true)').join(', ')}`,
        settings.flat(),
      );
      return (await trx.raw(sql, bindings)).rows;
    });
  }
}
