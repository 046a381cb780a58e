import type {
  IngestionProgressInfo,
  IngestorStatusInfo,
  SourceEmbeddingModelInfo,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type {
  IngestionRun,
  IngestionRunStore,
} from '../database/IngestionRunStore';
import type { KnowledgeStore } from '../database/KnowledgeStore';
import type { EmbeddingsService } from '../embeddings/EmbeddingsService';
import type { IngestionService } from './IngestionService';

/**
 * How one ingestor is doing, as shown to admins: the `GET /ingestion` entry of common's
 * {@link IngestorStatusInfo}, with the run's dates still dates until `res.json` sends them.
 */
export type IngestorStatus = Omit<IngestorStatusInfo, 'lastRun'> & {
  lastRun?: IngestionRun;
};

/** One source (ingestor) as the cockpit's Sources view shows it; dates serialize to ISO. */
export interface SourceStatus extends IngestorStatus {
  lastRun?: IngestionRun & { progress?: IngestionProgressInfo };
  lastSucceededAt?: Date;
  newestSourceUpdateAt?: Date;
  embeddingModels: SourceEmbeddingModelInfo[];
  pendingRequest?: { reembed: boolean; requestedAt: Date };
}

/** Reports and triggers ingestion for the admin routes. */
export class IngestionStatusService {
  constructor(
    private readonly options: {
      ingestion: IngestionService;
      runs: IngestionRunStore;
      store: KnowledgeStore;
      /** To tell which stored model is the current one. */
      embeddings?: EmbeddingsService;
    },
  ) {}

  /** One entry per registered ingestor. */
  async status(): Promise<IngestorStatus[]> {
    const { ingestion, runs, store } = this.options;
    const [latest, counts] = await Promise.all([
      runs.latestPerIngestor(),
      store.countBySource(),
    ]);
    return ingestion.ingestorIds.map(id => ({
      id,
      documents: counts.get(id)?.documents ?? 0,
      chunks: counts.get(id)?.chunks ?? 0,
      lastRun: latest.find(run => run.ingestor === id),
    }));
  }

  /**
   * Per ingestor: what is stored and with which model, how fresh, the latest run with its
   * progress, and any run waiting to start. The current model is left out when the
   * embeddings provider cannot tell it now: the view still shows what is stored.
   */
  async sources(): Promise<{
    sources: SourceStatus[];
    embeddingModel?: { model: string; dimensions: number };
  }> {
    const { runs, store, embeddings } = this.options;
    const [status, succeeded, details, requests, current] = await Promise.all([
      this.status(),
      runs.lastSucceededPerIngestor(),
      store.sourceDetails(),
      runs.pendingRequests(),
      embeddings?.getModel().catch(() => undefined),
    ]);
    const sources = status.map((ingestor): SourceStatus => {
      const detail = details.get(ingestor.id);
      const request = requests.find(r => r.ingestor === ingestor.id);
      return {
        ...ingestor,
        lastRun: ingestor.lastRun && {
          ...ingestor.lastRun,
          progress: runProgress(ingestor.lastRun),
        },
        lastSucceededAt: succeeded.get(ingestor.id),
        newestSourceUpdateAt: detail?.newestSourceUpdate,
        embeddingModels: (detail?.models ?? []).map(model => ({
          ...splitModelKey(model.key),
          documents: model.documents,
          chunks: model.chunks,
          current: model.key === current?.key,
        })),
        pendingRequest: request && {
          reembed: request.reembed,
          requestedAt: request.requestedAt,
        },
      };
    });
    return {
      sources,
      embeddingModel: current && splitModelKey(current.key),
    };
  }

  /** Starts a run of every ingestor now. */
  async trigger(): Promise<void> {
    await this.options.ingestion.trigger();
  }

  /** Queues a run of one ingestor, re-embedding all its documents if `reembed`. */
  async requestRun(
    ingestorId: string,
    options: { reembed: boolean },
  ): Promise<void> {
    await this.options.ingestion.request(ingestorId, options);
  }
}

/**
 * A run's progress: its counters against what was stored when it started. Runs recorded
 * before progress was kept have no totals and no progress.
 */
export function runProgress(
  run: IngestionRun,
): IngestionProgressInfo | undefined {
  if (!run.expected) return undefined;
  const documentsDone = run.documents + run.documentsFailed;
  const chunksDone = run.chunksEmbedded + run.chunksSkipped;
  const complete = run.state === 'succeeded';
  // A complete run went through everything there was, however much that was; a running or
  // failed one is measured against what was stored when it started.
  const documentsTotal = complete
    ? documentsDone
    : Math.max(run.expected.documents, documentsDone);
  const chunksTotal = complete
    ? chunksDone
    : Math.max(run.expected.chunks, chunksDone);
  const ratio = (done: number, total: number) =>
    total === 0 ? 0 : done / total;
  // Documents are counted as the source yields them, chunks once embedded, so chunks lag
  // behind; the mean of both is the fairer guess. A source without chunks has documents only.
  const fraction =
    chunksTotal > 0
      ? (ratio(documentsDone, documentsTotal) +
          ratio(chunksDone, chunksTotal)) /
        2
      : ratio(documentsDone, documentsTotal);
  return {
    documentsDone,
    documentsTotal,
    chunksDone,
    chunksTotal,
    // Short of success, at most 99 %: pruning and the final write are still ahead.
    percent: complete ? 100 : Math.min(99, Math.floor(fraction * 100)),
  };
}

/** `provider/model/dimensions` (the model may hold slashes) into model and dimensions. */
function splitModelKey(key: string): { model: string; dimensions: number } {
  const cut = key.lastIndexOf('/');
  return {
    model: cut > 0 ? key.slice(0, cut) : key,
    dimensions: cut > 0 ? Number(key.slice(cut + 1)) : 0,
  };
}
