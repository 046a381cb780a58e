import type { DocumentWrite, KnowledgeStore } from '../database/KnowledgeStore';

/**
 * Transactions writing at once: Postgres works one core per connection, and the vectors go in
 * without their index during bulk loads, so two keep a small server busy while leaving pool
 * connections to the run's reads and to searches. Their term-count updates contend on the
 * same `keyword_terms` rows, so more writers mostly wait on each other.
 */
const CONCURRENT_WRITES = 2;

/** A document ready to be written, with all of its chunks embedded. */
export type ReadyDocument = DocumentWrite;

/**
 * Writes embedded documents of one ingestor in a few transactions (a few documents each, some
 * at once) instead of one per document: a write costs a handful of round trips whatever its
 * size. When a transaction is refused for a document's own data (see isDocumentDataError),
 * its documents are written again one by one so that only the bad one is skipped, through
 * `skip`; any other error fails the batch.
 */
export async function writeBatch(
  store: KnowledgeStore,
  source: string,
  ready: ReadyDocument[],
  skip: (documentId: string, error: unknown) => void,
): Promise<void> {
  const groups = Array.from(
    { length: Math.min(CONCURRENT_WRITES, ready.length) },
    (_, g) => ready.filter((__, i) => i % CONCURRENT_WRITES === g),
  );
  const writeGroup = async (group: ReadyDocument[]) => {
    try {
      await store.writeDocuments(source, group);
      return;
    } catch (error) {
      if (!isDocumentDataError(error)) throw error;
    }
    for (const item of group) {
      try {
        await store.writeDocuments(source, [item]);
      } catch (error) {
        if (!isDocumentDataError(error)) throw error;
        skip(item.document.documentId, error);
      }
    }
  };
  const failure = (await Promise.allSettled(groups.map(writeGroup))).find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  );
  if (failure) {
    throw failure.reason;
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
