import type {
  IngestionRunCounts,
  IngestionRunStore,
} from '../database/IngestionRunStore';

/** How often a run writes its counters while it goes: the Sources view polls them. */
const PROGRESS_INTERVAL_MS = 1000;

/**
 * Writes a running run's counters to its record now and then, so admins watch it progress
 * (documents and chunks done against what was stored when it started) without a write per
 * document. An update that comes too soon is written once the interval is up, so the record
 * is never more than an interval behind while a slow source keeps the run waiting.
 * Progress is advisory: a failed write is ignored and the run goes on; the run's final
 * record carries the exact counters, and a late write cannot touch a finished run.
 */
export class RunProgress {
  private lastWrite = 0;
  private timer?: ReturnType<typeof setTimeout>;

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

  /** Writes the counters now if the last write is old enough, else once it is. */
  async update(): Promise<void> {
    const wait = this.lastWrite + this.intervalMs - Date.now();
    if (wait <= 0) {
      await this.write();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.write();
      }, wait);
      // A pending write never keeps the process alive.
      this.timer.unref?.();
    }
  }

  private async write(): Promise<void> {
    this.lastWrite = Date.now();
    await this.runs.progress(this.runId, this.counts).catch(() => undefined);
  }
}
