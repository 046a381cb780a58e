import type { Knex } from 'knex';

/** Counters of one ingestion run. */
export interface IngestionRunCounts {
  /** Documents the ingestor yielded or kept. */
  documents: number;
  /** Documents skipped because nothing about them changed. */
  documentsUnchanged: number;
  documentsPruned: number;
  /** Chunks sent to the embeddings provider. */
  chunksEmbedded: number;
  /** Chunks whose stored vector was reused. */
  chunksSkipped: number;
  chunksPruned: number;
  /** Documents skipped because of an error of their own; the run went on without them. */
  documentsFailed: number;
}

/** A document a run skipped, and why. */
export interface DocumentError {
  documentId: string;
  error: string;
}

/** How many failed documents a run record lists; `documentsFailed` counts them all. */
export const MAX_DOCUMENT_ERRORS = 100;

/** Longest error message kept per failed document. */
const MAX_ERROR_LENGTH = 1000;

/** One recorded ingestion run. */
export interface IngestionRun extends IngestionRunCounts {
  id: string;
  ingestor: string;
  state: 'running' | 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt?: Date;
  error?: string;
  /** The first {@link MAX_DOCUMENT_ERRORS} documents the run skipped, in order. */
  documentErrors: DocumentError[];
}

/** Zero counters, to start a run with. */
export function emptyCounts(): IngestionRunCounts {
  return {
    documents: 0,
    documentsUnchanged: 0,
    documentsPruned: 0,
    chunksEmbedded: 0,
    chunksSkipped: 0,
    chunksPruned: 0,
    documentsFailed: 0,
  };
}

/** The `ingestion_runs` table: the log of every ingestion run. */
export class IngestionRunStore {
  private constructor(private readonly knex: Knex) {}

  /** Wraps an already migrated database. */
  static create(options: { knex: Knex }): IngestionRunStore {
    return new IngestionRunStore(options.knex);
  }

  /** Records the start of a run and returns its id. */
  async start(ingestor: string): Promise<string> {
    const [row] = await this.knex('ingestion_runs')
      .insert({ ingestor, state: 'running' })
      .returning('id');
    return String(row.id);
  }

  /** Records the end of a run, with the first {@link MAX_DOCUMENT_ERRORS} failed documents. */
  async finish(
    id: string,
    state: 'succeeded' | 'failed',
    counts: IngestionRunCounts,
    error?: string,
    documentErrors: DocumentError[] = [],
  ): Promise<void> {
    // Ids and messages come from ingestors; jsonb cannot hold a NUL character.
    const clean = (text: string) =>
      text.replace(/\u0000/g, '').slice(0, MAX_ERROR_LENGTH);
    await this.knex('ingestion_runs')
      .where({ id })
      .update({
        state,
        finished_at: this.knex.fn.now(),
        documents: counts.documents,
        documents_unchanged: counts.documentsUnchanged,
        documents_pruned: counts.documentsPruned,
        chunks_embedded: counts.chunksEmbedded,
        chunks_skipped: counts.chunksSkipped,
        chunks_pruned: counts.chunksPruned,
        documents_failed: counts.documentsFailed,
        document_errors: JSON.stringify(
          documentErrors.slice(0, MAX_DOCUMENT_ERRORS).map(e => ({
            documentId: clean(e.documentId),
            error: clean(e.error),
          })),
        ),
        error: error ?? null,
      });
  }

  /** The latest run of each ingestor. */
  async latestPerIngestor(): Promise<IngestionRun[]> {
    const rows = await this.knex('ingestion_runs')
      .distinctOn('ingestor')
      .orderBy([
        { column: 'ingestor' },
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(toRun);
  }

  /** Recent runs of one ingestor, newest first. */
  async list(ingestor: string, limit = 20): Promise<IngestionRun[]> {
    const rows = await this.knex('ingestion_runs')
      .where({ ingestor })
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toRun);
  }
}

function toRun(row: any): IngestionRun {
  return {
    id: String(row.id),
    ingestor: row.ingestor,
    state: row.state,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at ? new Date(row.finished_at) : undefined,
    documents: row.documents,
    documentsUnchanged: row.documents_unchanged,
    documentsPruned: row.documents_pruned,
    chunksEmbedded: row.chunks_embedded,
    chunksSkipped: row.chunks_skipped,
    chunksPruned: row.chunks_pruned,
    documentsFailed: row.documents_failed,
    documentErrors: row.document_errors ?? [],
    error: row.error ?? undefined,
  };
}
