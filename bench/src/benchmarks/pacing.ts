/*
 * Pacing: ingestion's embeddings calls against a provider that takes 150 ms per call and
 * accepts 600 requests a minute (a fixed window, answering 429 with Retry-After beyond it), as
 * Azure OpenAI's per-minute limits do. Reports requests per minute against the limit and how
 * many calls were rejected twice in a row. The provider leaves 429s to the service
 * (maxRetries 0), which halves its concurrency and waits as told.
 */
import { createEmbeddingsService } from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';
import { main, quick, since } from '../lib/cli';
import { stubEmbeddingsProvider } from '../lib/pipeline';
import { report } from '../report';
import { startEmbeddingsStub } from '../stubs/startEmbeddingsStub';

const LATENCY_MS = 150;
const PER_MINUTE = 600;
// The limit's window: a minute at full scale; 10 s (100 requests, the same rate) for --quick.
const WINDOW_MS = quick ? 10_000 : 60_000;
const LIMIT = Math.round((PER_MINUTE * WINDOW_MS) / 60_000);
// Calls done in the first two windows measure the rate (perfect pacing: twice the limit); more
// calls than that keep the client busy until the third.
const MEASURED_MS = 2 * WINDOW_MS;
const CALLS = LIMIT * 2 + LIMIT / 2;
const BATCH = 16;

main(async () => {
  const stub = await startEmbeddingsStub(64, {
    latencyMs: LATENCY_MS,
    requests: LIMIT,
    windowMs: WINDOW_MS,
  });
  try {
    const embeddings = createEmbeddingsService(
      stubEmbeddingsProvider(stub.endpoint, 64),
    );
    const texts = Array.from(
      { length: CALLS * BATCH },
      (_, i) => `chunk ${i} of a paced ingestion run`,
    );
    const start = performance.now();
    let inWindows = 0;
    await embeddings.embedBatches(texts, {
      batchSize: BATCH,
      onBatch: () => {
        if (since(start) <= MEASURED_MS) inWindows += 1;
      },
    });
    const seconds = since(start) / 1000;
    const stats = await stub.stats();
    // The stub's first window starts with the first call, at `start`.
    const perMinute = (inWindows / MEASURED_MS) * 60_000;
    console.error(
      `${stats.calls} calls in ${seconds.toFixed(1)} s: ${Math.round(perMinute)}/min, ${stats.rejected} rejected, ${stats.rejectedTwice} twice in a row`,
    );
    report('pacing', [
      {
        name: `embeddings against a 150 ms provider limited to ${PER_MINUTE} requests/min: requests per minute (${stats.calls} calls)`,
        value: Math.round(perMinute),
        unit: 'req/min',
        target: `≥ ${PER_MINUTE * 0.9}`,
        met: perMinute >= PER_MINUTE * 0.9,
      },
      {
        name: 'embeddings against the rate-limited provider: calls rejected (429)',
        value: stats.rejected,
        unit: 'calls',
      },
      {
        name: 'embeddings against the rate-limited provider: calls rejected twice in a row',
        value: stats.rejectedTwice,
        unit: 'calls',
        target: '0',
        met: stats.rejectedTwice === 0,
      },
    ]);
  } finally {
    stub.close();
  }
});
