import type { Knex } from 'knex';
import { insertChunkRows } from './chunkRows';
import type { DocumentRow, EmbeddingRow } from './knowledgeRows';
import type {
  DocumentState,
  DocumentWrite,
  StoredChunk,
  StoredDocument,
  Vector,
} from './knowledgeTypes';
import { applyTermCounts, countTerms, rebuildTermCounts } from './keywordIndex';
import { vectorFromBinary } from './vectorCodec';
import type { EmbeddingModel } from './vectorIndex';

/**
 * The ingestion side of the knowledge store: what is stored of each document, the writes
 * that replace documents with their chunks (keeping the keyword index's term counts), and
 * the pruning and tidying after a run. Writes are of the store's current model.
 */
export class KnowledgeWriter {
  constructor(
    private readonly knex: Knex,
    private readonly model: () => Promise<EmbeddingModel>,
    private readonly textSearchConfig: string,
  ) {}

  /** The state of every stored document of one ingestor, by document id. */
  async getDocumentStates(source: string): Promise<Map<string, DocumentState>> {
    const rows = await this.knex<DocumentRow>('documents')
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
   * Vectors already stored for the given documents under the current model, by document id
   * and chunk hash, so that unchanged chunks of a changed document are not embedded again.
   */
  async getReusableEmbeddings(
    source: string,
    documentIds: string[],
  ): Promise<Map<string, Map<string, Vector>>> {
    const result = new Map<string, Map<string, Vector>>();
    if (documentIds.length === 0) {
      return result;
    }
    const { key } = await this.model();
    // pgvector's binary form: exact, and no number to print or parse.
    const rows: Array<
      Pick<EmbeddingRow, 'document_id' | 'content_hash'> & {
        embedding: Uint8Array;
      }
    > = await this.knex<EmbeddingRow>('embeddings')
      .where({ source, embedding_model: key })
      .whereIn('document_id', documentIds)
      .select(
        'document_id',
        'content_hash',
        this.knex.raw('vector_send(embedding) AS embedding'),
      );
    for (const row of rows) {
      let byHash = result.get(row.document_id);
      if (!byHash) {
        byHash = new Map();
        result.set(row.document_id, byHash);
      }
      byHash.set(row.content_hash, vectorFromBinary(row.embedding));
    }
    return result;
  }

  /**
   * Replaces documents of one ingestor and all of their chunks in one transaction, in a
   * fixed number of statements whatever their count (see insertChunkRows), and updates the
   * keyword index's term counts by the difference. All or nothing: when one document's data
   * is refused, none is written.
   */
  async writeDocuments(source: string, batch: DocumentWrite[]): Promise<void> {
    if (batch.length === 0) return;
    const { key: modelKey } = await this.model();
    const ids = batch.map(({ document }) => document.documentId);
    await this.knex.transaction(async trx => {
      // Only documents stored before have chunks to count out and delete: none, on a first
      // ingestion, and two statements fewer per write.
      const replaced = (
        await trx<DocumentRow>('documents')
          .where({ source })
          .whereIn('document_id', ids)
          .select('document_id')
      ).map(row => row.document_id);
      await trx<DocumentRow>('documents')
        .insert(
          batch.map(({ document, chunks }) =>
            documentRow(source, document, chunks, modelKey, trx),
          ),
        )
        .onConflict(['source', 'document_id'])
        .merge();
      const removed =
        replaced.length > 0
          ? await countTerms(trx, source, replaced)
          : new Map<string, number>();
      if (replaced.length > 0) {
        await trx<EmbeddingRow>('embeddings')
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
      const gone = (
        await trx<DocumentRow>('documents')
          .where({ source })
          .whereNot(trx.raw('document_id = ANY(?)', [[...keep]]))
          .select('document_id')
      ).map(row => row.document_id);
      if (gone.length === 0) return [];
      const removed = await countTerms(trx, source, gone);
      // Chunks go with their document (ON DELETE CASCADE); chunk_count says how many.
      const rows: Array<Pick<DocumentRow, 'chunk_count'>> =
        await trx<DocumentRow>('documents')
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
    // Statistics of the columns queries filter on only: the text and the vector are never
    // estimated by the planner, and sampling them was most of ANALYZE's time after a bulk load.
    await this.knex.raw(
      'ANALYZE embeddings (source, document_id, embedding_model, entity_ref, entity_refs, tsv)',
    );
    await this.knex.raw('ANALYZE documents');
  }

  /**
   * Recounts the keyword index's term frequencies from every stored chunk. Ingestion keeps
   * them current; this is for chunks loaded by other means (bulk loads, partial restores).
   */
  async rebuildKeywordIndex(): Promise<void> {
    await rebuildTermCounts(this.knex);
  }
}

/** The `documents` row of a document about to be written with its chunks. */
function documentRow(
  source: string,
  document: StoredDocument,
  chunks: StoredChunk[],
  modelKey: string,
  trx: Knex.Transaction,
) {
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
}
