import type {
  IngestionRunCounts,
  IngestionRunStore,
} from '../database/IngestionRunStore';

/** How often a run writes its counters while it goes: the Sources view polls them. */
const PROGRESS_INTERVAL_MS = 1000;

/**
 * Writes a running run's counters to its record now and then, so admins watch it progress
 * (documents and chunks done against what was stored when it started) without a write per
 * document. Progress is advisory: a failed write is ignored and the run goes on, and the
 * run's final record carries the exact counters.
 */
export class RunProgress {
  private lastWrite = 0;

  constructor(
    private readonly runs: IngestionRunStore,
    private readonly runId: string,
    private readonly counts: IngestionRunCounts,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {}

  /** Records the totals to measure against: what is stored before the run changes it. */
  async expect(stored: Map<string, { chunkCount: number }>): Promise<void> {
    let chunks = 0;
    for (const state of stored.values()) chunks += state.chunkCount;
    await this.runs
      .expect(this.runId, { documents: stored.size, chunks })
      .catch(() => undefined);
  }

  /** Writes the counters if the last write is old enough. */
  async update(): Promise<void> {
    const now = Date.now();
    if (now - this.lastWrite < this.intervalMs) return;
    this.lastWrite = now;
    await this.runs.progress(this.runId, this.counts).catch(() => undefined);
  }
}
