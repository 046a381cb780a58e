import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { createRetryingFetch, retryAfterMs } from './createRetryingFetch';
import { ProviderError } from './ProviderError';

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  attempt: number,
) => void;

async function serve(
  handler: Handler,
): Promise<{ url: string; attempts: () => number; server: Server }> {
  let attempts = 0;
  const server = createServer((req, res) => handler(req, res, ++attempts));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    attempts: () => attempts,
    server,
  };
}

describe('createRetryingFetch', () => {
  let server: Server | undefined;
  afterEach(
    () =>
      new Promise<void>(resolve =>
        server ? server.close(() => resolve()) : resolve(),
      ),
  );

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    const target = await serve((_req, res, attempt) => {
      if (attempt === 1) {
        res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      } else {
        res.writeHead(200).end('ok');
      }
    });
    server = target.server;
    const started = Date.now();
    const response = await createRetryingFetch({ baseDelayMs: 1 })(target.url);
    expect(await response.text()).toBe('ok');
    expect(target.attempts()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries server errors with backoff and returns the last answer when they persist', async () => {
    const target = await serve((_req, res) => res.writeHead(503).end('down'));
    server = target.server;
    const response = await createRetryingFetch({
      maxRetries: 2,
      baseDelayMs: 5,
    })(target.url);
    expect(response.status).toBe(503);
    expect(target.attempts()).toBe(3);
  });

  it('does not retry a 401', async () => {
    const target = await serve((_req, res) =>
      res.writeHead(401).end('bad key'),
    );
    server = target.server;
    const response = await createRetryingFetch({ baseDelayMs: 1 })(target.url);
    expect(response.status).toBe(401);
    expect(target.attempts()).toBe(1);
  });

  it('gives up on a provider that does not answer within the timeout', async () => {
    const target = await serve(() => {
      // never answers
    });
    server = target.server;
    await expect(
      createRetryingFetch({ maxRetries: 1, timeoutMs: 100, baseDelayMs: 1 })(
        target.url,
      ),
    ).rejects.toThrow('no response within 100 ms');
    expect(target.attempts()).toBe(2);
    target.server.closeAllConnections();
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    const target = await serve((_req, res) => res.writeHead(503).end());
    server = target.server;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user stopped')), 50);
    await expect(
      createRetryingFetch({ baseDelayMs: 10_000 })(target.url, {
        signal: controller.signal,
      }),
    ).rejects.toThrow('user stopped');
    expect(target.attempts()).toBe(1);
  });

  it('leaves no listener on the caller signal, however many streamed requests share it', async () => {
    const target = await serve((_req, res) => res.writeHead(200).end('body'));
    server = target.server;
    const controller = new AbortController();
    const retrying = createRetryingFetch();
    for (let i = 0; i < 20; i++) {
      const response = await retrying(target.url, {
        signal: controller.signal,
      });
      expect(await response.text()).toBe('body');
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('Credentials leave their origin: a redirect to another origin gets neither api-key nor Authorization', async () => {
    const seen: Array<{
      url?: string;
      method?: string;
      headers: IncomingMessage['headers'];
      body: string;
    }> = [];
    const record = (req: IncomingMessage, done: (body: string) => void) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        seen.push({
          url: req.url,
          method: req.method,
          headers: req.headers,
          body,
        });
        done(body);
      });
    };
    const other = await serve((req, res) =>
      record(req, () => res.writeHead(200).end('elsewhere')),
    );
    const origin = await serve((req, res) =>
      record(req, () =>
        req.url === '/api'
          ? res.writeHead(302, { location: '/api/moved' }).end()
          : res.writeHead(307, { location: `${other.url}/x` }).end(),
      ),
    );
    server = origin.server;
    try {
      const response = await createRetryingFetch()(origin.url, {
        method: 'POST',
        headers: {
          'api-key': 'azure-secret',
          authorization: 'Bearer token-secret',
          'content-type': 'application/json',
        },
        body: '{"input":"hello"}',
      });
      expect(await response.text()).toBe('elsewhere');
    } finally {
      await new Promise(resolve => other.server.close(resolve));
    }

    // A 302 turns the POST into a GET on the same origin, which keeps its key.
    expect(seen[1]).toMatchObject({ url: '/api/moved', method: 'GET' });
    expect(seen[1].headers['api-key']).toBe('azure-secret');
    expect(seen[1].headers.authorization).toBe('Bearer token-secret');
    // The other origin never sees a credential.
    expect(seen[2].url).toBe('/api/x');
    expect(seen[2].headers['api-key']).toBeUndefined();
    expect(seen[2].headers.authorization).toBeUndefined();
  });

  it('Credentials leave their origin: a 307 to another origin keeps the method and body, not the key', async () => {
    const seen: Array<{
      method?: string;
      headers: IncomingMessage['headers'];
      body: string;
    }> = [];
    const other = await serve((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    const origin = await serve((_req, res) =>
      res.writeHead(307, { location: other.url }).end(),
    );
    server = origin.server;
    try {
      await createRetryingFetch()(origin.url, {
        method: 'POST',
        headers: new Headers({
          'api-key': 'azure-secret',
          'content-type': 'application/json',
        }),
        body: '{"input":"hello"}',
      });
    } finally {
      await new Promise(resolve => other.server.close(resolve));
    }
    expect(seen).toEqual([
      {
        method: 'POST',
        headers: expect.objectContaining({
          'content-type': 'application/json',
        }),
        body: '{"input":"hello"}',
      },
    ]);
    expect(seen[0].headers['api-key']).toBeUndefined();
  });

  it('reads Retry-After as seconds, as a date, and retry-after-ms', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150' }))).toBe(150);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(
      retryAfterMs(new Headers({ 'retry-after': inTenSeconds })),
    ).toBeGreaterThan(8_000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('ProviderError', () => {
  it('names provider, model and place, explains a 401 and never shows the key', () => {
    const error = new ProviderError({
      provider: 'Azure OpenAI',
      model: 'gpt-4o',
      url: 'https://example.openai.azure.com/openai/deployments/gpt-4o',
      status: 401,
      cause: new Error('Incorrect API key provided: sk-secret-123'),
      secrets: ['sk-secret-123'],
    });
    expect(error.message).toBe(
      'Azure OpenAI model gpt-4o at https://example.openai.azure.com/openai/deployments/gpt-4o failed: the provider rejected the credentials (HTTP 401); check the API key in the config',
    );
    const other = new ProviderError({
      provider: 'Ollama',
      cause: new Error('key sk-secret-123 leaked'),
      secrets: ['sk-secret-123'],
    });
    expect(other.message).toBe('Ollama failed: key [redacted] leaked');
  });
});
