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
  /** Whether the run re-embedded every document, changed or not. */
  reembed: boolean;
  /** What was stored when the run started: the totals its progress is measured against. */
  expected?: { documents: number; chunks: number };
}

/** A run of one ingestor asked for by an admin, waiting for the ingestion task. */
export interface IngestionRequest {
  ingestor: string;
  /** Re-embed every document, even unchanged ones. */
  reembed: boolean;
  requestedAt: Date;
}

/** A row of `ingestion_runs` as knex reads it. */
interface RunRow {
  /** bigint: a string from pg. */
  id: string | number;
  ingestor: string;
  state: IngestionRun['state'];
  started_at: Date | string;
  finished_at: Date | string | null;
  documents: number;
  documents_unchanged: number;
  documents_pruned: number;
  chunks_embedded: number;
  chunks_skipped: number;
  chunks_pruned: number;
  documents_failed: number;
  /** JSON text when written. */
  document_errors: DocumentError[] | string | null;
  error: string | null;
  reembed: boolean;
  documents_expected: number | null;
  chunks_expected: number | null;
}

/** A row of `ingestion_requests`. */
interface RequestRow {
  ingestor: string;
  reembed: boolean;
  requested_at: Date | string;
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
  async start(
    ingestor: string,
    options: { reembed?: boolean } = {},
  ): Promise<string> {
    const [row] = await this.knex<RunRow>('ingestion_runs')
      .insert({ ingestor, state: 'running', reembed: options.reembed ?? false })
      .returning('id');
    return String(row.id);
  }

  /** Records what a running run expects to go through, for its progress. */
  async expect(
    id: string,
    expected: { documents: number; chunks: number },
  ): Promise<void> {
    await this.knex<RunRow>('ingestion_runs').where({ id }).update({
      documents_expected: expected.documents,
      chunks_expected: expected.chunks,
    });
  }

  /** Records a running run's counters so far, for its progress. */
  async progress(id: string, counts: IngestionRunCounts): Promise<void> {
    await this.knex<RunRow>('ingestion_runs')
      .where({ id, state: 'running' })
      .update(countColumns(counts));
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
      text.replaceAll(String.fromCharCode(0), '').slice(0, MAX_ERROR_LENGTH);
    await this.knex<RunRow>('ingestion_runs')
      .where({ id })
      .update({
        state,
        finished_at: this.knex.fn.now(),
        ...countColumns(counts),
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
    const rows: RunRow[] = await this.knex<RunRow>('ingestion_runs')
      .distinctOn('ingestor')
      .orderBy([
        { column: 'ingestor' },
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(toRun);
  }

  /** When each ingestor's latest successful run finished. */
  async lastSucceededPerIngestor(): Promise<Map<string, Date>> {
    const rows: Array<Pick<RunRow, 'ingestor' | 'finished_at'>> =
      await this.knex<RunRow>('ingestion_runs')
        .where({ state: 'succeeded' })
        .groupBy('ingestor')
        .select('ingestor', this.knex.raw('max(finished_at) AS finished_at'));
    return new Map(
      rows.map(row => [row.ingestor, new Date(row.finished_at as string)]),
    );
  }

  /**
   * Asks for a run of one ingestor; asking again before it starts keeps one request, which
   * re-embeds if either asked for it.
   */
  async request(
    ingestor: string,
    options: { reembed: boolean },
  ): Promise<void> {
    await this.knex<RequestRow>('ingestion_requests')
      .insert({ ingestor, reembed: options.reembed })
      .onConflict('ingestor')
      .merge({
        reembed: this.knex.raw(
          'ingestion_requests.reembed OR excluded.reembed',
        ),
      });
  }

  /** The requests waiting, oldest first. */
  async pendingRequests(): Promise<IngestionRequest[]> {
    const rows = await this.knex<RequestRow>('ingestion_requests').orderBy([
      { column: 'requested_at' },
      { column: 'ingestor' },
    ]);
    return rows.map(toRequest);
  }

  /** Removes and returns the requests waiting, oldest first, for the task to run them. */
  async takeRequests(): Promise<IngestionRequest[]> {
    const rows: RequestRow[] = await this.knex<RequestRow>('ingestion_requests')
      .delete()
      .returning('*');
    return rows
      .map(toRequest)
      .sort(
        (a, b) =>
          a.requestedAt.getTime() - b.requestedAt.getTime() ||
          a.ingestor.localeCompare(b.ingestor),
      );
  }

  /** Recent runs of one ingestor, newest first. */
  async list(ingestor: string, limit = 20): Promise<IngestionRun[]> {
    const rows: RunRow[] = await this.knex<RunRow>('ingestion_runs')
      .where({ ingestor })
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toRun);
  }
}

function countColumns(counts: IngestionRunCounts) {
  return {
    documents: counts.documents,
    documents_unchanged: counts.documentsUnchanged,
    documents_pruned: counts.documentsPruned,
    chunks_embedded: counts.chunksEmbedded,
    chunks_skipped: counts.chunksSkipped,
    chunks_pruned: counts.chunksPruned,
    documents_failed: counts.documentsFailed,
  };
}

function toRequest(row: RequestRow): IngestionRequest {
  return {
    ingestor: row.ingestor,
    reembed: Boolean(row.reembed),
    requestedAt: new Date(row.requested_at),
  };
}

function toRun(row: RunRow): IngestionRun {
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
    documentErrors:
      typeof row.document_errors === 'string'
        ? JSON.parse(row.document_errors)
        : (row.document_errors ?? []),
    error: row.error ?? undefined,
    reembed: Boolean(row.reembed),
    expected:
      row.documents_expected === null || row.documents_expected === undefined
        ? undefined
        : {
            documents: row.documents_expected,
            chunks: row.chunks_expected ?? 0,
          },
  };
}
