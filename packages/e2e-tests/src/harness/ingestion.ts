import type { DevBackend } from './devBackend';
import { waitFor } from './waitFor';

/**
 * Waits until the catalog ingestor's first run has finished. That run loads the embeddings
 * model, which otherwise happens on the first question and can take longer than a step may
 * wait on a loaded machine.
 */
export async function waitForFirstCatalogRun(dev: DevBackend): Promise<void> {
  const headers = { authorization: `Bearer ${await dev.guestToken()}` };
  await waitFor(
    'the first catalog ingestion run to finish',
    async () => {
      const res = await fetch(`${dev.baseUrl}/api/ai-assistant/ingestion`, {
        headers,
      });
      const { ingestors } = await res.json();
      const catalog = ingestors.find((i: { id: string }) => i.id === 'catalog');
      return catalog?.lastRun?.finishedAt ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}
