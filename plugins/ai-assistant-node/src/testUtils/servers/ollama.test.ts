import { startOllamaTestServer, type OllamaTestServer } from './ollama';

describe('startOllamaTestServer', () => {
  let server: OllamaTestServer;
  afterEach(() => server?.close());

  const post = (
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('streams a scripted chat answer as NDJSON lines: tokens, one line of tool calls, then done', async () => {
    server = await startOllamaTestServer();
    server.scriptChat({
      text: 'Hello there',
      toolCalls: [{ name: 'search', arguments: { q: 'x' } }],
    });
    const response = await post('/api/chat', {
      model: 'llama3.1',
      messages: [{ role: 'user', content: 'hi' }],
    });

    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(lines.map(l => l.message.content)).toEqual([
      'Hello ',
      'there',
      '',
      '',
    ]);
    expect(lines[2].message.tool_calls).toEqual([
      {
        id: 'call_0_search',
        function: { index: 0, name: 'search', arguments: { q: 'x' } },
      },
    ]);
    expect(lines.map(l => l.done)).toEqual([false, false, false, true]);
    expect(lines[3]).toMatchObject({
      model: 'llama3.1',
      done_reason: 'stop',
      prompt_eval_count: 1,
      eval_count: 3,
    });
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/api/chat',
        body: expect.objectContaining({ model: 'llama3.1' }),
        aborted: false,
      }),
    ]);
  });

  it('echoes the last user message without a script, and answers in one JSON when not streaming', async () => {
    server = await startOllamaTestServer();
    const response = await post('/api/chat', {
      model: 'llama3.1',
      stream: false,
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'second question' },
      ],
    });
    expect(await response.json()).toMatchObject({
      done: true,
      message: { role: 'assistant', content: 'You said: second question' },
    });
  });

  it('ends a streamed answer with an error line when scripted to', async () => {
    server = await startOllamaTestServer();
    server.scriptChat({ text: 'Half', error: 'runner crashed' });
    const text = await (
      await post('/api/chat', { model: 'm', messages: [] })
    ).text();
    expect(
      text
        .trim()
        .split('\n')
        .map(line => JSON.parse(line))
        .at(-1),
    ).toEqual({ error: 'runner crashed' });
  });

  it('embeds deterministically: unit vectors of the asked dimension, close for texts that share words', async () => {
    server = await startOllamaTestServer({ embeddingDimensions: 64 });
    const embed = async (input: unknown, extra = {}) =>
      (
        await (
          await post('/api/embed', {
            model: 'nomic-embed-text',
            input,
            ...extra,
          })
        ).json()
      ).embeddings;
    const [a, b, c] = await embed([
      'deploy the service',
      'deploy the service now',
      'lunch menu',
    ]);
    const dot = (x: number[], y: number[]) =>
      x.reduce((sum, v, i) => sum + v * y[i], 0);

    expect(a).toHaveLength(64);
    expect(dot(a, a)).toBeCloseTo(1);
    expect(await embed('deploy the service')).toEqual([a]);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c) + 0.3);
    expect((await embed('x', { dimensions: 8 }))[0]).toHaveLength(8);
    expect(await embed('')).toEqual([]);
  });

  it('lists pulled models and refuses others as Ollama does', async () => {
    server = await startOllamaTestServer({
      models: ['llama3.1', 'nomic-embed-text:v1.5'],
    });
    const tags = await (await fetch(`${server.baseUrl}/api/tags`)).json();
    expect(tags.models.map((m: { name: string }) => m.name)).toEqual([
      'llama3.1:latest',
      'nomic-embed-text:v1.5',
    ]);

    const missing = await post('/api/chat', { model: 'mistral', messages: [] });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: 'model "mistral" not found, try pulling it first',
    });
    expect(
      (await post('/api/chat', { model: 'llama3.1:latest', messages: [] }))
        .status,
    ).toBe(200);
  });

  it('lists the models asked for so far when no models are given', async () => {
    server = await startOllamaTestServer();
    await post('/api/embed', { model: 'all-minilm', input: 'x' });
    const tags = await (await fetch(`${server.baseUrl}/api/tags`)).json();
    expect(tags.models.map((m: { name: string }) => m.name)).toEqual([
      'all-minilm:latest',
    ]);
  });

  it('fails the next requests on demand, with the given headers, and records them', async () => {
    server = await startOllamaTestServer();
    server.failNext(429, { 'Retry-After': '2' }, 2);
    const first = await post('/api/embed', { model: 'm', input: 'x' });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(await first.json()).toEqual({ error: 'too many requests' });
    expect((await fetch(`${server.baseUrl}/api/tags`)).status).toBe(429);
    expect((await fetch(`${server.baseUrl}/api/tags`)).status).toBe(200);
    expect(server.requests).toHaveLength(3);
  });

  it('demands the API key when given one, and serves under a base path', async () => {
    server = await startOllamaTestServer({
      apiKey: 'k-123',
      basePath: '/ollama/',
    });
    expect(server.baseUrl).toMatch(/\/ollama$/);
    expect((await post('/api/embed', { model: 'm', input: 'x' })).status).toBe(
      401,
    );
    expect(
      (
        await post(
          '/api/embed',
          { model: 'm', input: 'x' },
          { authorization: 'Bearer k-123' },
        )
      ).status,
    ).toBe(200);
    expect(server.requests.map(r => [r.path, r.headers.authorization])).toEqual(
      [
        ['/api/embed', undefined],
        ['/api/embed', 'Bearer k-123'],
      ],
    );
  });

  it('answers like Ollama on / and unknown paths, and rejects bad requests', async () => {
    server = await startOllamaTestServer();
    expect(await (await fetch(`${server.baseUrl}/`)).text()).toBe(
      'Ollama is running',
    );
    expect((await fetch(`${server.baseUrl}/api/nope`)).status).toBe(404);
    expect(await (await post('/api/chat', { messages: [] })).json()).toEqual({
      error: 'model is required',
    });
    const broken = await fetch(`${server.baseUrl}/api/chat`, {
      method: 'POST',
      body: '{not json',
    });
    expect(broken.status).toBe(400);
  });

  it('marks a streamed answer the client walked away from as aborted', async () => {
    server = await startOllamaTestServer();
    server.scriptChat({ text: 'a b c d e f', delayMsPerToken: 50 });
    const response = await post('/api/chat', { model: 'm', messages: [] });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(server.requests[0].aborted).toBe(true);
  });
});
