import type { IngestionRunInfo } from './ingestion';

/**
 * How far a run has come: documents and chunks gone through, against what was stored when
 * it started (a source that grew can pass its total until the run ends; a finished run is at
 * its total).
 *
 * @public
 */
export interface IngestionProgressInfo {
  documentsDone: number;
  documentsTotal: number;
  chunksDone: number;
  chunksTotal: number;
  /** 0 to 100, from chunks when there are any, else from documents. */
  percent: number;
}

/**
 * A run in the Sources view: the run as `GET /ingestion` reports it, plus whether it
 * re-embedded everything and how far it has come.
 *
 * @public
 */
export interface SourceRunInfo extends IngestionRunInfo {
  reembed: boolean;
  progress?: IngestionProgressInfo;
}

/**
 * An embedding model the stored chunks of a source were made with.
 *
 * @public
 */
export interface SourceEmbeddingModelInfo {
  /** Provider and model, e.g. `ollama/nomic-embed-text`. */
  model: string;
  dimensions: number;
  documents: number;
  chunks: number;
  /** Whether it is the model the assistant embeds questions with now; others are not searched. */
  current: boolean;
}

/**
 * One source (ingestor) as the cockpit's Sources view shows it.
 *
 * @public
 */
export interface SourceStatusInfo {
  /** Id of the ingestor, which is the source of its documents. */
  id: string;
  documents: number;
  chunks: number;
  lastRun?: SourceRunInfo;
  /** When its latest successful run finished. */
  lastSucceededAt?: string;
  /** Newest update time of a stored document, as the source reported it. */
  newestSourceUpdateAt?: string;
  /** What the stored chunks were embedded with, most documents first. */
  embeddingModels: SourceEmbeddingModelInfo[];
  /** A run asked for by an admin, waiting to start. */
  pendingRequest?: { reembed: boolean; requestedAt: string };
}

/**
 * Answer of `GET /admin/sources`.
 *
 * @public
 */
export interface SourcesResponse {
  sources: SourceStatusInfo[];
  /** The model questions are embedded with now; absent when the provider cannot be reached. */
  embeddingModel?: { model: string; dimensions: number };
}

/**
 * Answer of `POST /admin/sources/:ingestorId/run` and `/reindex`: the run is queued for the
 * ingestion task.
 *
 * @public
 */
export interface SourceRunRequestResponse {
  status: 'queued';
}
