import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AzureOpenAiEmbeddingsProvider,
  readAzureOpenAiEmbeddingsConfig,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai';
import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  type AzureOpenAiTestServer,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import { doc } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { createChunker } from './chunking';
import { IngestionPipeline } from './IngestionPipeline';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const chunking = { chunkSize: 400, chunkOverlap: 0 };

/**
 * A TCP hop in front of the embeddings server that can "die": cut every open connection and
 * refuse new ones, as a crashed provider or a dropped network would; and come back.
 */
async function startKillableProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer(client => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    die() {
      up = false;
      sockets.forEach(socket => socket.destroy());
    },
    revive() {
      up = true;
    },
    close: () =>
      new Promise<void>(resolve => {
        sockets.forEach(socket => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** Yields its documents, calling `beforeYield(i)` first, e.g. to kill the provider midway. */
class ScriptedIngestor implements Ingestor {
  readonly id = 'docs';
  constructor(
    private readonly documents: IngestionDocument[],
    private readonly beforeYield: (index: number) => void = () => {},
  ) {}
  async *ingest(_context: IngestorContext) {
    for (const [index, document] of this.documents.entries()) {
      this.beforeYield(index);
      yield document;
    }
  }
}

const topics = ['argo', 'vault', 'kafka', 'redis', 'istio', 'grafana'];
const corpus = (version: string) =>
  topics.map(topic =>
    doc(
      topic,
      `The ${topic} runbook, ${version} edition: restart ${topic} with care.`,
    ),
  );

describe.each(databases.eachId())('embeddings outage on %s', databaseId => {
  let azure: AzureOpenAiTestServer;
  let proxy: Awaited<ReturnType<typeof startKillableProxy>>;

  beforeEach(async () => {
    azure = await startAzureOpenAiTestServer({ apiKey: 'key' });
    proxy = await startKillableProxy(azure.endpoint);
  });
  afterEach(async () => {
    await proxy.close();
    await azure.close();
  });

  it('keeps the previous index intact and searchable when the embeddings provider dies mid-run, and the next run completes', async () => {
    const knex = await databases.init(databaseId);
    const provider = new AzureOpenAiEmbeddingsProvider(
      readAzureOpenAiEmbeddingsConfig(
        new ConfigReader({
          aiAssistant: {
            embeddings: {
              azureOpenAi: {
                endpoint: proxy.endpoint,
                apiKey: 'key',
                deploymentName: 'text-embedding-3-small',
                dimensions: 64,
                maxRetries: 0,
              },
            },
          },
        }),
      ),
    );
    // One call at a time: the run embeds and writes every two chunks (batchSize), so the
    // outage falls between writes.
    const embeddings = new EmbeddingsService(provider, { concurrency: 1 });
    const store = KnowledgeStore.create({
      knex,
      model: () => embeddings.getModel(),
    });
    const pipeline = new IngestionPipeline({
      store,
      runs: IngestionRunStore.create({ knex }),
      embeddings,
      chunker: createChunker(chunking),
      chunking,
      batchSize: 2,
      logger: mockServices.logger.mock(),
    });
    const signal = new AbortController().signal;
    const search = async (text: string) =>
      (
        await store.search({
          text,
          vector: await embeddings.embedQuery(text),
          limit: 1,
        })
      )[0]?.content;
    const storedTexts = async () =>
      (await knex('embeddings').select('document_id', 'content'))
        .map(r => `${r.document_id}: ${r.content}`)
        .sort();

    const first = await pipeline.run(
      new ScriptedIngestor(corpus('first')),
      signal,
    );
    expect(first).toMatchObject({ state: 'succeeded', chunksEmbedded: 6 });
    const before = await storedTexts();

    // Every document changed; the provider dies after the first two batches were embedded.
    const second = await pipeline.run(
      new ScriptedIngestor(corpus('second'), index => {
        if (index === 4) proxy.die();
      }),
      signal,
    );
    expect(second).toMatchObject({
      state: 'failed',
      documentsPruned: 0,
      chunksPruned: 0,
    });
    expect(second.error).toBeTruthy();

    // Nothing was lost: every document still has its chunks, the four embedded before the
    // outage in their new version, the other two as they were.
    const during = await storedTexts();
    expect(during).toHaveLength(before.length);
    expect(during.filter(t => t.includes('first edition'))).toEqual(
      [
        'istio: The istio runbook, first edition: restart istio with care.',
        'grafana: The grafana runbook, first edition: restart grafana with care.',
      ].sort(),
    );

    proxy.revive();
    expect(await search('restart grafana')).toBe(
      'The grafana runbook, first edition: restart grafana with care.',
    );

    const third = await pipeline.run(
      new ScriptedIngestor(corpus('second')),
      signal,
    );
    expect(third).toMatchObject({
      state: 'succeeded',
      documents: 6,
      documentsUnchanged: 4,
      chunksEmbedded: 2,
    });
    expect(await search('restart grafana')).toBe(
      'The grafana runbook, second edition: restart grafana with care.',
    );
  });
});
