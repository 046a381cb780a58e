import type {
  IngestionRun,
  IngestionRunStore,
} from '../database/IngestionRunStore';
import type { KnowledgeStore } from '../database/KnowledgeStore';
import type { IngestionService } from '../ingestion/IngestionService';

/** How one ingestor is doing, as shown to admins. */
export interface IngestorStatus {
  id: string;
  /** Documents and chunks stored now. */
  documents: number;
  chunks: number;
  lastRun?: IngestionRun;
}

/** Reports and triggers ingestion for the admin routes. */
export class IngestionStatusService {
  constructor(
    private readonly options: {
      ingestion: IngestionService;
      runs: IngestionRunStore;
      store: KnowledgeStore;
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

  /** Starts a run of every ingestor now. */
  async trigger(): Promise<void> {
    await this.options.ingestion.trigger();
  }
}
