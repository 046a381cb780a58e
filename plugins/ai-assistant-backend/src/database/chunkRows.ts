import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { chunkTsv, keywordSource } from './keywordIndex';
import type { DocumentRow, EmbeddingRow } from './knowledgeRows';
import type { Vector } from './knowledgeTypes';
import { vectorBinary, vectorText } from './vectorCodec';

/** Chunks per INSERT statement on the embedded database; see insertChunkRows. */
const INSERT_ROWS = 100;

/** Connections that have the temporary `chunk_load` table (it lives as long as they do). */
const withLoadTable = new WeakSet<object>();

/** One row of `embeddings` as the store writes it; the document's guards come from `documents`. */
export interface ChunkRow {
  source: string;
  documentId: string;
  chunkIndex: number;
  content: string;
  contentHash: string;
  /** The row's metadata as JSON text. */
  metadata: string;
  embedding: Vector;
  /** Title, heading path and text: what the keyword index (`tsv`) is made of. */
  keywordFields: { title: string; section?: string; content: string };
}

/**
 * Inserts chunk rows of documents already written in this transaction (their guards are read
 * from `documents`); call it once per transaction, as the load table empties only at commit.
 * On Postgres the rows go through one binary COPY into a temporary
 * table and one INSERT … SELECT that computes the keyword index (`tsv`) in the server: no
 * statement text of 20 KB per vector to build and parse, no round trip per chunk. The
 * embedded database (PGlite) has no COPY from a client stream, so there the rows go in
 * multi-row INSERTs.
 */
export async function insertChunkRows(
  trx: Knex.Transaction,
  rows: ChunkRow[],
  modelKey: string,
  textSearchConfig: string,
): Promise<void> {
  if (rows.length === 0) return;
  if (trx.client.config.client !== 'pg') {
    await insertRows(trx, rows, modelKey, textSearchConfig);
    return;
  }
  const connection = await trx.client.acquireConnection();
  if (!withLoadTable.has(connection)) {
    // Per connection, emptied at every commit: created once, not once per write. Rows stay
    // whole as in `embeddings` (see the inline_embeddings migration): with the default
    // target every vector from 512 dimensions was cut into TOAST chunks on the way in and
    // put back together on the way out (20,000 rows of 1,536 dims: 2.3 s in, not 1.3 s).
    await trx.raw(
      `CREATE TEMP TABLE IF NOT EXISTS chunk_load (
         source text, document_id text, chunk_index int4, content text, content_hash text,
         metadata text, embedding vector, keyword text
       ) WITH (toast_tuple_target = 8160) ON COMMIT DELETE ROWS`,
    );
    withLoadTable.add(connection);
  }
  await pipeline(
    Readable.from(copyRecords(rows)),
    connection.query(copyFrom('COPY chunk_load FROM STDIN (FORMAT binary)')),
  );
  await trx.raw(
    `INSERT INTO embeddings (source, document_id, chunk_index, content, content_hash, metadata,
                             entity_ref, entity_refs, embedding, embedding_model, tsv)
     SELECT l.source, l.document_id, l.chunk_index, l.content, l.content_hash, l.metadata::jsonb,
            d.entity_ref, d.entity_refs, l.embedding, ?, to_tsvector(?::regconfig, l.keyword)
       FROM chunk_load l
       JOIN documents d ON d.source = l.source AND d.document_id = l.document_id`,
    [modelKey, textSearchConfig],
  );
}

async function insertRows(
  trx: Knex.Transaction,
  rows: ChunkRow[],
  modelKey: string,
  textSearchConfig: string,
): Promise<void> {
  const guards = new Map<
    string,
    Pick<DocumentRow, 'entity_ref' | 'entity_refs'>
  >();
  const documentIds = [...new Set(rows.map(row => row.documentId))];
  for (const row of await trx<DocumentRow>('documents')
    .where({ source: rows[0].source })
    .whereIn('document_id', documentIds)
    .select('document_id', 'entity_ref', 'entity_refs')) {
    guards.set(row.document_id, row);
  }
  // In statements of at most INSERT_ROWS chunks: a vector's text form is ~20 KB, so one
  // statement for a 2,000-chunk page would build a 40 MB query in memory.
  for (let start = 0; start < rows.length; start += INSERT_ROWS) {
    await trx<EmbeddingRow>('embeddings').insert(
      rows.slice(start, start + INSERT_ROWS).map(row => ({
        source: row.source,
        document_id: row.documentId,
        chunk_index: row.chunkIndex,
        content: row.content,
        content_hash: row.contentHash,
        metadata: row.metadata,
        entity_ref: guards.get(row.documentId)?.entity_ref ?? null,
        entity_refs: guards.get(row.documentId)?.entity_refs ?? null,
        embedding: vectorText(row.embedding),
        embedding_model: modelKey,
        tsv: chunkTsv(trx, textSearchConfig, row.keywordFields),
      })),
    );
  }
}

/**
 * COPY data is sent in pieces of about this size: one socket write per row (~5 KB at 768
 * dimensions) made the kernel writes most of Node's work and woke the server per row.
 */
const COPY_PIECE_BYTES = 256 * 1024;

/**
 * The rows in Postgres's binary COPY format, in pieces of ~COPY_PIECE_BYTES so memory stays
 * flat. Fields are written straight into their piece rather than into a buffer each and then
 * copied together: the data is copied once, and no short-lived buffer per field is left for
 * the garbage collector.
 */
function* copyRecords(rows: ChunkRow[]): Generator<Buffer> {
  let piece = Buffer.allocUnsafe(COPY_PIECE_BYTES);
  let offset = piece.write('PGCOPY\n\xff\r\n\0', 0, 'latin1');
  // Flags and header extension length: none.
  offset = piece.writeInt32BE(0, piece.writeInt32BE(0, offset));
  const text = (value: string) => {
    const length = piece.write(value, offset + 4);
    offset = piece.writeInt32BE(length, offset) + length;
  };
  let vector = Buffer.alloc(0);
  for (const row of rows) {
    const keyword = keywordSource(row.keywordFields);
    const vectorBytes = 4 + 4 * row.embedding.length;
    if (vector.length !== vectorBytes) {
      // Its own memory, so vectorBinary's float view starts aligned.
      vector = Buffer.allocUnsafeSlow(vectorBytes);
    }
    vectorBinary(row.embedding, vector);
    // The field count, then each of the 8 fields as its length and its bytes.
    const rowBytes =
      2 +
      8 * 4 +
      4 +
      vectorBytes +
      [
        row.source,
        row.documentId,
        row.content,
        row.contentHash,
        row.metadata,
        keyword,
      ].reduce((sum, value) => sum + Buffer.byteLength(value), 0);
    // Room is kept for the trailer, too.
    if (offset + rowBytes + 2 > piece.length) {
      yield piece.subarray(0, offset);
      piece = Buffer.allocUnsafe(Math.max(COPY_PIECE_BYTES, rowBytes + 2));
      offset = 0;
    }
    offset = piece.writeInt16BE(8, offset);
    text(row.source);
    text(row.documentId);
    offset = piece.writeInt32BE(row.chunkIndex, piece.writeInt32BE(4, offset));
    text(row.content);
    text(row.contentHash);
    text(row.metadata);
    offset = piece.writeInt32BE(vectorBytes, offset);
    offset += vector.copy(piece, offset);
    text(keyword);
  }
  offset = piece.writeInt16BE(-1, offset);
  yield piece.subarray(0, offset);
}
