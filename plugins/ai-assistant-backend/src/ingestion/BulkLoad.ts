import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KnowledgeStore } from '../database/KnowledgeStore';

/** Chunks a bulk load writes between two counts of their terms (see BulkLoad). */
const TERM_COUNT_STEP = 20_000;

/**
 * Decides whether an ingestion run writes as a bulk load (see KnowledgeStore.beginBulkLoad):
 * when none of the source's stored documents are embedded with the current model (its first
 * ingestion, or the first run after a model change) or every document is re-embedded, the run
 * is about to write all of the source's chunks. The index is deferred at the run's first
 * write (a run that writes nothing changes nothing) and built when the run ends, whether it
 * succeeded or not, so that searches never stay without it.
 *
 * A candidate run also leaves its chunks out of the keyword index's term counts while it
 * writes and counts them every TERM_COUNT_STEP chunks and at its end: a batch of a large
 * vocabulary updates thousands of `keyword_terms` rows, and counting per batch was a
 * quarter of a first ingestion. Until counted, a document's chunks are found by the vector
 * leg and by keywords other chunks already have.
 */
export class BulkLoad {
  private started?: Promise<boolean>;
  private uncounted = 0;

  constructor(
    private readonly store: KnowledgeStore,
    private readonly source: string,
    private readonly candidate: boolean,
    private readonly logger: LoggerService,
  ) {}

  /** Whether this run's writes leave their term counts to afterWrite and finish. */
  get defersTermCounts(): boolean {
    return this.candidate;
  }

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

  /** Call after each write of `chunks` chunks: counts the terms of every TERM_COUNT_STEP. */
  async afterWrite(chunks: number): Promise<void> {
    if (!this.candidate) return;
    this.uncounted += chunks;
    if (this.uncounted < TERM_COUNT_STEP) return;
    this.uncounted = 0;
    await this.store.countDeferredTerms(this.source);
  }

  /**
   * Call when the run ends: counts the terms left, and builds the index if this run deferred
   * it.
   */
  async finish(): Promise<void> {
    try {
      if (this.candidate) {
        this.uncounted = 0;
        await this.store.countDeferredTerms(this.source);
      }
    } finally {
      await this.buildIndex();
    }
  }

  private async buildIndex(): Promise<void> {
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
