import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KnowledgeStore } from '../database/KnowledgeStore';

/**
 * Decides whether an ingestion run writes as a bulk load (see KnowledgeStore.beginBulkLoad):
 * when none of the source's stored documents are embedded with the current model (its first
 * ingestion, or the first run after a model change) or every document is re-embedded, the run
 * is about to write all of the source's chunks. The index is deferred at the run's first
 * write (a run that writes nothing changes nothing) and built when the run ends, whether it
 * succeeded or not, so that searches never stay without it.
 */
export class BulkLoad {
  private started?: Promise<boolean>;

  constructor(
    private readonly store: KnowledgeStore,
    private readonly candidate: boolean,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Whether a run over these stored documents writes every chunk of the source anew, when
   * the store's model is `modelKey`.
   */
  static isCandidate(
    known: ReadonlyMap<string, { embeddingModel: string }>,
    modelKey: string,
    reembed: boolean,
  ): boolean {
    if (reembed) return true;
    for (const state of known.values()) {
      if (state.embeddingModel === modelKey) return false;
    }
    return true;
  }

  /** Call before writing chunks: the first call of a candidate run defers the index. */
  async beforeWrite(): Promise<void> {
    if (!this.candidate) return;
    this.started ??= this.store.beginBulkLoad();
    await this.started;
  }

  /** Call when the run ends: builds the index if this run deferred it. */
  async finish(): Promise<void> {
    const deferred = await this.started?.catch(() => false);
    this.started = undefined;
    if (!deferred) return;
    const start = Date.now();
    if (!(await this.store.finishBulkLoad())) return;
    const { key } = await this.store.currentModel();
    this.logger.info(`Built the vector index of ${key} after a bulk load`, {
      durationMs: Date.now() - start,
    });
  }
}
