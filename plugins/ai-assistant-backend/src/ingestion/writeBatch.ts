import type { DocumentWrite, KnowledgeStore } from '../database/KnowledgeStore';

/** A document ready to be written, with all of its chunks embedded. */
export type ReadyDocument = DocumentWrite;

/**
 * Writes embedded documents of one ingestor in one transaction instead of one per document:
 * a write costs a handful of round trips whatever its size. When the transaction is refused
 * for a document's own data (see isDocumentDataError), its documents are written again one by
 * one so that only the bad one is skipped, through `skip`; any other error fails the batch.
 */
export async function writeBatch(
  store: KnowledgeStore,
  source: string,
  ready: ReadyDocument[],
  skip: (documentId: string, error: unknown) => void,
): Promise<void> {
  if (ready.length === 0) return;
  try {
    await store.writeDocuments(source, ready);
    return;
  } catch (error) {
    if (!isDocumentDataError(error)) throw error;
  }
  for (const item of ready) {
    try {
      await store.writeDocuments(source, [item]);
    } catch (error) {
      if (!isDocumentDataError(error)) throw error;
      skip(item.document.documentId, error);
    }
  }
}

/** Writes of one run in flight at once: one transaction (one server core) each. */
const MAX_WRITES = 2;

/**
 * The writes of one run still in flight while the next documents are chunked and embedded.
 * With one at a time the pipeline stopped at every batch for whichever side was slower,
 * Node embedding the next batch or Postgres writing the last; two at once keep both busy
 * (`bench/README.md`). More would mostly wait on the keyword-term rows the others hold, and
 * take pool connections from searches.
 */
export class WritesInFlight {
  private readonly writes: Array<{ done: Promise<void>; chunks: number }> = [];
  /**
   * Chunks that writes in flight may hold together: room for MAX_WRITES ordinary flushes,
   * each its threshold and the document that crossed it. A larger write (one document of
   * many chunks) waits until nothing else is in flight, so memory stays bounded by the
   * batch size.
   */
  private readonly maxChunks: number;

  /** @param flushChunks - the chunk count at which the pipeline flushes. */
  constructor(flushChunks: number) {
    this.maxChunks = (MAX_WRITES + 1) * flushChunks;
  }

  /**
   * Starts a write of `chunks` chunks once there is room for it; resolves when it has
   * started. Rejects with the error of an earlier write that failed.
   */
  async start(chunks: number, write: () => Promise<void>): Promise<void> {
    while (
      this.writes.length >= MAX_WRITES ||
      (this.writes.length > 0 && this.held() + chunks > this.maxChunks)
    ) {
      await this.writes.shift()!.done;
    }
    const done = write();
    // Awaited by a later start or by `finish`; until then, a failure must not go unheard.
    done.catch(() => undefined);
    this.writes.push({ done, chunks });
  }

  /** Waits for every write in flight; rejects with the first failure. */
  async finish(): Promise<void> {
    while (this.writes.length > 0) {
      await this.writes.shift()!.done;
    }
  }

  /** Waits for every write in flight to end, failed or not, without throwing. */
  async settle(): Promise<void> {
    const writes = this.writes.splice(0);
    await Promise.allSettled(writes.map(write => write.done));
  }

  private held(): number {
    return this.writes.reduce((sum, write) => sum + write.chunks, 0);
  }
}

/**
 * Whether a failed write was refused for the document's own data, such as a NUL character in
 * its text (SQLSTATE class 22, data exception) or a value too large for an index (class 54,
 * program limit exceeded). Anything else (connection lost, timeout, a full disk) concerns
 * every document, so it fails the run and prunes nothing.
 */
export function isDocumentDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof RangeError ||
    (typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code))
  );
}
