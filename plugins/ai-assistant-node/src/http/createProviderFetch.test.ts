import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProviderFetch } from './createProviderFetch';
import { ProviderError } from './ProviderError';

const fast = { baseDelayMs: 1, maxRetries: 1 };

describe('createProviderFetch', () => {
  let server: Server;
  let url: string;
  let answer: (res: ServerResponse) => void;
  let attempts: number;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      attempts++;
      answer(res);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    attempts = 0;
  });
  afterAll(
    () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  const ollamaFetch = createProviderFetch({
    provider: 'Ollama',
    model: 'llama3.1',
    secrets: ['sk-secret-123'],
    retry: fast,
  });

  it('returns an OK answer as it is, after retrying a server error', async () => {
    answer = res =>
      attempts === 1
        ? res.writeHead(503).end()
        : res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const response = await ollamaFetch(`${url}/api/tags`);
    expect(await response.json()).toEqual({});
    expect(attempts).toBe(2);
  });

  it('reports the provider\'s own detail from an {"error": "..."} body, without the key or query', async () => {
    answer = res =>
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'bad input near sk-secret-123' }));
    const error = await ollamaFetch(`${url}/api/chat?token=abc`, {
      method: 'POST',
    }).catch(e => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      `Ollama model llama3.1 at ${url}/api/chat failed: HTTP 400: bad input near [redacted]`,
    );
  });

  it('reads an OpenAI-style {"error": {"message": "..."}} body and a proxy\'s plain text', async () => {
    answer = res =>
      res
        .writeHead(422, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'x', message: 'too long' } }));
    await expect(ollamaFetch(`${url}/v1/chat`)).rejects.toThrow(
      'failed: HTTP 422: too long',
    );
    answer = res => res.writeHead(502).end('<html>Bad gateway</html>');
    await expect(ollamaFetch(`${url}/v1/chat`)).rejects.toThrow(
      'failed: HTTP 502: <html>Bad gateway</html>',
    );
  });

  it("keeps the provider's words about a missing model next to the config hint", async () => {
    answer = res =>
      res.writeHead(404, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: 'model "mistral" not found, try pulling it first',
        }),
      );
    await expect(ollamaFetch(`${url}/api/chat`)).rejects.toThrow(
      `Ollama model llama3.1 at ${url}/api/chat failed: not found (HTTP 404): model "mistral" not found, try pulling it first; check the endpoint, deployment or model name in the config`,
    );
  });

  it('hides a password in the URL', async () => {
    answer = res => res.writeHead(500).end('user:hunter22 rejected');
    const error = await ollamaFetch(
      `${url.replace('//', '//user:hunter22@')}/api/chat`,
    ).catch(e => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).not.toContain('hunter22');
  });

  it('says what to check when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise(resolve => closed.close(resolve));

    await expect(
      ollamaFetch(`http://127.0.0.1:${port}/api/chat`),
    ).rejects.toThrow(
      `Ollama model llama3.1 at http://127.0.0.1:${port}/api/chat failed: cannot reach the server (ECONNREFUSED); check baseUrl and that Ollama is running`,
    );
    const azureFetch = createProviderFetch({
      provider: 'Azure OpenAI',
      unreachableHint: 'check the endpoint in the config',
      retry: fast,
    });
    await expect(azureFetch(`http://127.0.0.1:${port}/x`)).rejects.toThrow(
      'cannot reach the server (ECONNREFUSED); check the endpoint in the config',
    );
  });

  it('fails a streamed NDJSON answer at an {"error": ...} line, after the lines before it', async () => {
    answer = res => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"message":{"content":"Hel"}}\n');
      setTimeout(() => res.end('{"error":"model runner has crashed"}\n'), 20);
    };
    const response = await ollamaFetch(`${url}/api/chat`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(
      '{"message":{"content":"Hel"}}\n',
    );
    const error = await reader.read().catch(e => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      `Ollama model llama3.1 at ${url}/api/chat failed: model runner has crashed`,
    );
  });

  it("leaves a caller's abort as it is", async () => {
    answer = () => {
      // never answers
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user stopped')), 20);
    const error = await ollamaFetch(`${url}/api/chat`, {
      signal: controller.signal,
    }).catch(e => e);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(error.message).toBe('user stopped');
    server.closeAllConnections();
  });
});
