import {
  ProviderError,
  type EmbeddingsProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  captureConsole,
  runEmbeddingsProviderConformanceTests,
  startOllamaTestServer,
  type OllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { createServer } from 'node:net';
import { OllamaEmbeddingsProvider } from './OllamaEmbeddingsProvider';

const apiKey = 'ollama-test-key-7f3a9c';
const fast = { baseDelayMs: 5 };

let server: OllamaTestServer;
beforeAll(async () => {
  server = await startOllamaTestServer({ embeddingDimensions: 384 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

runEmbeddingsProviderConformanceTests('Ollama', {
  createProvider: () =>
    new OllamaEmbeddingsProvider({
      baseUrl: server.baseUrl,
      model: 'nomic-embed-text',
    }),
});

describe('OllamaEmbeddingsProvider', () => {
  it('sends the documents to /api/embed in one request with the model and the API key as a bearer token', async () => {
    const provider = new OllamaEmbeddingsProvider({
      baseUrl: server.baseUrl,
      model: 'nomic-embed-text',
      apiKey,
    });
    const vectors = await provider.embeddings.embedDocuments([
      'first chunk',
      'second chunk',
    ]);

    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toHaveLength(384);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/embed');
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      model: 'nomic-embed-text',
      input: ['first chunk', 'second chunk'],
      truncate: true,
    });
  });

  it('sends no Authorization header without an API key', async () => {
    const provider = new OllamaEmbeddingsProvider({
      baseUrl: server.baseUrl,
      model: 'nomic-embed-text',
    });
    await provider.embeddings.embedQuery('hello');
    expect(server.requests[0].headers.authorization).toBeUndefined();
    expect(server.requests[0].body).toMatchObject({
      model: 'nomic-embed-text',
      input: ['hello'],
    });
  });

  it('names itself ollama with the configured model and leaves the dimension to be measured', () => {
    const provider: EmbeddingsProvider = new OllamaEmbeddingsProvider({
      baseUrl: server.baseUrl,
      model: 'mxbai-embed-large',
    });
    expect(provider).toMatchObject({
      id: 'ollama',
      model: 'mxbai-embed-large',
    });
    expect(provider.dimensions).toBeUndefined();
  });

  it('works behind a proxy that serves Ollama under a path, such as Open WebUI', async () => {
    const proxied = await startOllamaTestServer({
      basePath: '/ollama',
      apiKey,
    });
    try {
      const provider = new OllamaEmbeddingsProvider({
        baseUrl: proxied.baseUrl,
        model: 'nomic-embed-text',
        apiKey,
      });
      await expect(
        provider.embeddings.embedQuery('hello'),
      ).resolves.toHaveLength(768);
      expect(proxied.requests[0].path).toBe('/api/embed');
    } finally {
      await proxied.close();
    }
  });

  it('waits as long as Retry-After says after a 429 and then succeeds', async () => {
    server.failNext(429, { 'Retry-After': '1' });
    const provider = new OllamaEmbeddingsProvider({
      baseUrl: server.baseUrl,
      model: 'nomic-embed-text',
    });
    const started = Date.now();
    await expect(provider.embeddings.embedQuery('hello')).resolves.toHaveLength(
      384,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests.map(r => r.path)).toEqual([
      '/api/embed',
      '/api/embed',
    ]);
  });

  it('gives up on persistent server errors with an error naming provider, model and status', async () => {
    server.failNext(503, {}, 3);
    const provider = new OllamaEmbeddingsProvider(
      { baseUrl: server.baseUrl, model: 'nomic-embed-text' },
      { retry: { ...fast, maxRetries: 2 } },
    );
    await expect(provider.embeddings.embedQuery('hello')).rejects.toThrow(
      `Ollama model nomic-embed-text at ${server.baseUrl}/api/embed failed: HTTP 503: service unavailable`,
    );
    expect(server.requests).toHaveLength(3);
  });

  describe('when the key is rejected', () => {
    const output = captureConsole();

    it('fails once with one clear error that names provider and model but not the key', async () => {
      const guarded = await startOllamaTestServer({ apiKey: 'the-right-key' });
      try {
        const provider = new OllamaEmbeddingsProvider(
          { baseUrl: guarded.baseUrl, model: 'nomic-embed-text', apiKey },
          { retry: fast },
        );
        const error = await provider.embeddings
          .embedQuery('hello')
          .catch(e => e);

        expect(error).toBeInstanceOf(ProviderError);
        expect(error.status).toBe(401);
        expect(error.message).toBe(
          `Ollama model nomic-embed-text at ${guarded.baseUrl}/api/embed failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
        );
        expect(guarded.requests).toHaveLength(1);
        expect(
          JSON.stringify({
            message: error.message,
            stack: error.stack,
            output: output(),
          }),
        ).not.toContain(apiKey);
        expect(output()).toEqual([]);
      } finally {
        await guarded.close();
      }
    });
  });

  it('says so when nothing listens at the base URL', async () => {
    const port = await freePort();
    const provider = new OllamaEmbeddingsProvider(
      { baseUrl: `http://127.0.0.1:${port}`, model: 'nomic-embed-text' },
      { retry: { ...fast, maxRetries: 1 } },
    );
    await expect(provider.embeddings.embedQuery('hello')).rejects.toThrow(
      `Ollama model nomic-embed-text at http://127.0.0.1:${port}/api/embed failed: cannot reach the server (ECONNREFUSED); check baseUrl and that Ollama is running`,
    );
  });

  it('reports a model that is not pulled as not found, naming it', async () => {
    const pulled = await startOllamaTestServer({
      models: ['nomic-embed-text'],
    });
    try {
      const provider = new OllamaEmbeddingsProvider({
        baseUrl: pulled.baseUrl,
        model: 'all-minilm',
      });
      await expect(provider.embeddings.embedQuery('hello')).rejects.toThrow(
        `Ollama model all-minilm at ${pulled.baseUrl}/api/embed failed: not found (HTTP 404): model "all-minilm" not found, try pulling it first; check the endpoint, deployment or model name in the config`,
      );
    } finally {
      await pulled.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
