import { AzureOpenAiEmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai';
import {
  AzureOpenAiTestServer,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { EmbeddingsService } from './EmbeddingsService';

jest.setTimeout(120_000);

const texts = (count: number) =>
  Array.from({ length: count }, (_, i) => `runbook paragraph number ${i}`);

/** Embeddings over a loopback Azure OpenAI; the provider leaves 429s to the service. */
function serviceFor(server: AzureOpenAiTestServer, concurrency?: number) {
  const provider = new AzureOpenAiEmbeddingsProvider({
    deploymentName: 'text-embedding-3-small',
    endpoint: server.endpoint,
    apiKey: 'test-key',
    openAIApiVersion: '2024-10-21',
    batchSize: 512,
    dimensions: 8,
    maxRetries: 0,
    timeoutMs: 60_000,
  });
  return new EmbeddingsService(provider, { concurrency });
}

/** The embeddings requests, grouped by their texts, in arrival order. */
function attemptsByText(server: AzureOpenAiTestServer) {
  const attempts = new Map<string, boolean[]>();
  for (const request of server.requests) {
    if (!request.path.endsWith('/embeddings')) continue;
    const key = JSON.stringify(request.body.input);
    attempts.set(key, [...(attempts.get(key) ?? []), !request.rateLimited]);
  }
  return attempts;
}

describe('EmbeddingsService.embedBatches', () => {
  let server: AzureOpenAiTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('runs calls at once up to the configured ceiling, and returns vectors in text order', async () => {
    server = await startAzureOpenAiTestServer({ embeddingsLatencyMs: 100 });
    const embeddings = serviceFor(server, 3);
    const input = texts(40);

    const vectors = await embeddings.embedBatches(input, { batchSize: 2 });

    expect(vectors).toHaveLength(40);
    // Each vector is the one the provider gives for that very text, as float32.
    const [single] = await embeddings.embedDocuments([input[17]]);
    expect(vectors[17]).toBeInstanceOf(Float32Array);
    expect(Array.from(vectors[17])).toEqual(single);
    // Several at once, never more than the ceiling (how many overlap at the server depends
    // on how fast this machine sends them).
    expect(server.maxEmbeddingsInFlight()).toBeGreaterThan(1);
    expect(server.maxEmbeddingsInFlight()).toBeLessThanOrEqual(3);
  });

  it('makes one call at a time with a ceiling of 1', async () => {
    server = await startAzureOpenAiTestServer({ embeddingsLatencyMs: 20 });
    const embeddings = serviceFor(server, 1);

    await embeddings.embedBatches(texts(10), { batchSize: 1 });

    expect(server.maxEmbeddingsInFlight()).toBe(1);
  });

  it('backs off on 429 until Retry-After, never has a call rejected twice in a row, and embeds everything once', async () => {
    server = await startAzureOpenAiTestServer({
      embeddingsLatencyMs: 20,
      embeddingsRateLimit: { requests: 6, windowMs: 500 },
    });
    const embeddings = serviceFor(server, 8);
    const counted: number[] = [];

    const vectors = await embeddings.embedBatches(texts(30), {
      batchSize: 1,
      onBatch: count => {
        counted.push(count);
      },
    });

    expect(vectors).toHaveLength(30);
    expect(vectors.every(vector => vector.length === 8)).toBe(true);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(30);
    const attempts = attemptsByText(server);
    expect(attempts.size).toBe(30);
    for (const outcomes of attempts.values()) {
      // Succeeded exactly once, as the last attempt…
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(outcomes[outcomes.length - 1]).toBe(true);
      // …after at most one rejection.
      expect(outcomes.length).toBeLessThanOrEqual(2);
    }
    // The limit was reached: the test exercised the back-off.
    expect(server.requests.some(request => request.rateLimited)).toBe(true);
  });

  it('passes on an error other than a rate limit without retrying it', async () => {
    server = await startAzureOpenAiTestServer();
    server.failNext(500);
    const embeddings = serviceFor(server, 2);

    await expect(
      embeddings.embedBatches(texts(1), { batchSize: 1 }),
    ).rejects.toThrow(/HTTP 500|500/);
    expect(
      server.requests.filter(request => request.path.endsWith('/embeddings')),
    ).toHaveLength(1);
  });
});
