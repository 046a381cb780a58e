/**
 * One ingestion run as `GET /ingestion` reports it (dates as ISO strings).
 *
 * @public
 */
export interface IngestionRunInfo {
  id: string;
  ingestor: string;
  state: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt?: string;
  /** Documents the ingestor yielded or kept. */
  documents: number;
  documentsUnchanged: number;
  documentsPruned: number;
  /** Chunks sent to the embeddings provider. */
  chunksEmbedded: number;
  /** Chunks whose stored vector was reused. */
  chunksSkipped: number;
  chunksPruned: number;
  /**
   * Documents skipped because of an error of their own (unreadable, refused, not storable);
   * the run went on without them.
   */
  documentsFailed?: number;
  /** The first of those documents (at most 100), with why each was skipped. */
  documentErrors?: Array<{ documentId: string; error: string }>;
  /** Why the run failed, when it did. */
  error?: string;
}

/**
 * How one ingestor is doing: what is stored now and its latest run.
 *
 * @public
 */
export interface IngestorStatusInfo {
  id: string;
  documents: number;
  chunks: number;
  lastRun?: IngestionRunInfo;
}

/**
 * Answer of `GET /ingestion`.
 *
 * @public
 */
export interface IngestionStatusResponse {
  ingestors: IngestorStatusInfo[];
}
