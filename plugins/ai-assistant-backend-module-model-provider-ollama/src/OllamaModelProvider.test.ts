import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ModelNotFoundError,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  captureConsole,
  runModelProviderConformanceTests,
  startOllamaTestServer,
  type OllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  AIMessage,
  AIMessageChunk,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { concat } from '@langchain/core/utils/stream';
import { z } from 'zod';
import { OllamaModelProvider } from './OllamaModelProvider';

const apiKey = 'ollama-chat-key-9b41f0';
const fast = { baseDelayMs: 5 };
const messages = [
  new SystemMessage('You answer briefly.'),
  new HumanMessage('Who owns payments?'),
];

const searchCatalog = tool(async () => 'unused', {
  name: 'search_catalog',
  description: 'Searches the software catalog.',
  schema: z.object({ query: z.string(), limit: z.number().optional() }),
});

let server: OllamaTestServer;
beforeAll(async () => {
  server = await startOllamaTestServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function createProvider(
  models = ['llama3.1'],
  key?: string,
  baseUrl = server.baseUrl,
) {
  return new OllamaModelProvider(
    { baseUrl, apiKey: key, models },
    { retry: fast },
  );
}

async function firstChatModel(provider: OllamaModelProvider) {
  return (await provider.getModels())[0].chatModel;
}

runModelProviderConformanceTests('Ollama', {
  createProvider: () => createProvider(['llama3.1', 'qwen2.5']),
  scriptReply: reply => server.scriptChat(reply),
});

describe('OllamaModelProvider', () => {
  it('offers one model per configured name, in order, as ollama/<model>', async () => {
    const models = await createProvider([
      'llama3.1',
      'qwen2.5:14b',
    ]).getModels();
    expect(models.map(({ id, displayName }) => ({ id, displayName }))).toEqual([
      { id: 'ollama/llama3.1', displayName: 'llama3.1 (Ollama)' },
      { id: 'ollama/qwen2.5:14b', displayName: 'qwen2.5:14b (Ollama)' },
    ]);
  });

  it('sends the conversation to /api/chat as a stream, with the model and the API key as a bearer token', async () => {
    const chatModel = await firstChatModel(
      createProvider(['llama3.1'], apiKey),
    );
    server.scriptChat({ text: 'The checkout team.' });
    await chatModel.invoke(messages);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/chat');
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      model: 'llama3.1',
      messages: [
        { role: 'system', content: 'You answer briefly.' },
        { role: 'user', content: 'Who owns payments?' },
      ],
      options: {},
      stream: true,
    });
  });

  it('sends no Authorization header without an API key', async () => {
    await (await firstChatModel(createProvider())).invoke(messages);
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it('streams tokens as they are generated, one chunk per token', async () => {
    const chatModel = await firstChatModel(createProvider());
    server.scriptChat({ text: 'one two three four five', delayMsPerToken: 40 });
    const started = Date.now();
    const arrivals: Array<{ text: string; at: number }> = [];
    for await (const chunk of await chatModel.stream(messages)) {
      arrivals.push({ text: chunk.text, at: Date.now() - started });
    }
    const texts = arrivals.filter(a => a.text !== '');
    expect(texts.map(a => a.text)).toEqual([
      'one ',
      'two ',
      'three ',
      'four ',
      'five',
    ]);
    // the first token is there long before the last one is generated
    expect(texts[4].at - texts[0].at).toBeGreaterThanOrEqual(120);
  });

  it('sends bound tools in Ollama’s function format and parses the tool call it gets back', async () => {
    const chatModel = await firstChatModel(createProvider());
    server.scriptChat({
      text: 'Let me look.',
      toolCalls: [
        { name: 'search_catalog', arguments: { query: 'payments', limit: 3 } },
      ],
    });
    let message: AIMessageChunk | undefined;
    for await (const chunk of await chatModel.bindTools!([
      searchCatalog,
    ]).stream(messages)) {
      message = message ? concat(message, chunk) : chunk;
    }

    expect(message?.text).toBe('Let me look.');
    expect(message?.tool_calls).toEqual([
      expect.objectContaining({
        name: 'search_catalog',
        args: { query: 'payments', limit: 3 },
        id: expect.any(String),
      }),
    ]);
    expect(server.requests[0].body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'search_catalog',
          description: 'Searches the software catalog.',
          parameters: expect.objectContaining({
            type: 'object',
            properties: {
              query: { type: 'string' },
              limit: { type: 'number' },
            },
            required: ['query'],
          }),
        },
      },
    ]);
  });

  it('parses several tool calls of one answer', async () => {
    const chatModel = await firstChatModel(createProvider());
    server.scriptChat({
      toolCalls: [
        { name: 'search_catalog', arguments: { query: 'payments' } },
        { name: 'search_catalog', arguments: { query: 'checkout' } },
      ],
    });
    const message = await chatModel.bindTools!([searchCatalog]).invoke(
      messages,
    );
    expect(message.tool_calls?.map(call => call.args)).toEqual([
      { query: 'payments' },
      { query: 'checkout' },
    ]);
  });

  it('sends a tool result back with the call it answers', async () => {
    const chatModel = await firstChatModel(createProvider());
    await chatModel.invoke([
      ...messages,
      new AIMessage({
        content: '',
        tool_calls: [
          { id: 'call_1', name: 'search_catalog', args: { query: 'payments' } },
        ],
      }),
      new ToolMessage({
        tool_call_id: 'call_1',
        content: 'component:default/payments, owner: team-checkout',
      }),
    ]);
    expect(server.requests[0].body.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: {
              name: 'search_catalog',
              arguments: { query: 'payments' },
            },
          },
        ],
      },
      {
        role: 'tool',
        content: 'component:default/payments, owner: team-checkout',
      },
    ]);
  });

  it('waits as long as Retry-After says after a 429 and then succeeds', async () => {
    const chatModel = await firstChatModel(createProvider());
    server.failNext(429, { 'Retry-After': '1' });
    server.scriptChat({ text: 'Finally.' });
    const started = Date.now();
    await expect(chatModel.invoke(messages)).resolves.toMatchObject({
      text: 'Finally.',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests.map(r => r.path)).toEqual([
      '/api/chat',
      '/api/chat',
    ]);
  });

  it('fails with an error naming provider and model when Ollama breaks off an answer', async () => {
    const chatModel = await firstChatModel(createProvider());
    server.scriptChat({
      text: 'Half an',
      error: 'llama runner process has terminated: signal: killed',
    });
    await expect(chatModel.invoke(messages)).rejects.toThrow(
      `Ollama model llama3.1 at ${server.baseUrl}/api/chat failed: llama runner process has terminated: signal: killed`,
    );
  });

  it('gives up on persistent server errors with an error naming provider, model and status', async () => {
    const chatModel = await firstChatModel(createProvider());
    server.failNext(502, {}, 4);
    await expect(chatModel.invoke(messages)).rejects.toThrow(
      `Ollama model llama3.1 at ${server.baseUrl}/api/chat failed: HTTP 502: bad gateway`,
    );
    expect(server.requests).toHaveLength(4);
  });

  describe('when the key is rejected', () => {
    const output = captureConsole();

    it.each(['invoke', 'stream'] as const)(
      '%s fails once with one clear error that names provider and model but not the key',
      async method => {
        const guarded = await startOllamaTestServer({
          apiKey: 'the-right-key',
        });
        try {
          const chatModel = await firstChatModel(
            createProvider(['qwen2.5'], apiKey, guarded.baseUrl),
          );
          const run = async () => {
            if (method === 'invoke') {
              return chatModel.invoke(messages);
            }
            for await (const _ of await chatModel.stream(messages)) {
              // drain
            }
            return undefined;
          };
          const error = await run().catch(e => e);

          expect(error).toBeInstanceOf(ProviderError);
          expect(error.message).toBe(
            `Ollama model qwen2.5 at ${guarded.baseUrl}/api/chat failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
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
      },
    );
  });
});

describe('OllamaChatModel', () => {
  it('stops only the answer whose caller aborted when several users share a model', async () => {
    const chatModel = await firstChatModel(createProvider());
    const text = 'a b c d e f g h i j';
    server.scriptChat({ text, delayMsPerToken: 20 });
    server.scriptChat({ text, delayMsPerToken: 20 });
    const stopping = new AbortController();

    const drain = async (signal?: AbortSignal) => {
      let received = '';
      for await (const chunk of await chatModel.stream(messages, { signal })) {
        received += chunk.text;
        if (signal && received.length > 2) {
          stopping.abort(new Error('user closed the chat'));
        }
      }
      return received;
    };
    const [stopped, other] = await Promise.allSettled([
      drain(stopping.signal),
      drain(),
    ]);

    expect(other).toEqual({ status: 'fulfilled', value: text });
    expect(
      stopped.status === 'rejected' || stopped.value.length < text.length,
    ).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.requests.map(r => r.aborted).sort()).toEqual([false, true]);
  });

  it('answers through the content-block event stream of LangChain as well', async () => {
    const chatModel = await firstChatModel(createProvider());
    server.scriptChat({ text: 'Event stream answer.' });
    const message = await chatModel.streamEvents(messages);
    expect(message.text).toBe('Event stream answer.');
    expect(server.requests).toHaveLength(1);
  });

  it('sends no request when the signal is already aborted', async () => {
    const chatModel = await firstChatModel(createProvider());
    await expect(
      chatModel.invoke(messages, { signal: AbortSignal.abort() }),
    ).rejects.toThrow();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(0);
  });

  it('abandons a request still waiting for Ollama when the caller aborts', async () => {
    const chatModel = await firstChatModel(createProvider());
    server.scriptChat({ text: 'slow answer', delayMsPerToken: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user closed the chat')), 100);
    const started = Date.now();
    await expect(
      chatModel.invoke(messages, { signal: controller.signal }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('the reachability probe', () => {
  let pulled: OllamaTestServer;
  beforeAll(async () => {
    pulled = await startOllamaTestServer({
      models: ['llama3.1', 'qwen2.5:14b'],
    });
  });
  afterAll(() => pulled.close());
  beforeEach(() => {
    pulled.requests.length = 0;
  });

  async function probeOf(model: string, key?: string, baseUrl?: string) {
    const [first] = await createProvider(
      [model],
      key,
      baseUrl ?? pulled.baseUrl,
    ).getModels();
    return (signal?: AbortSignal) => first.probe!(signal);
  }

  it('passes when Ollama lists the model, with or without its :latest tag, asking /api/tags with the key and no tokens', async () => {
    await expect((await probeOf('llama3.1', apiKey))()).resolves.toBe(
      undefined,
    );
    await expect((await probeOf('llama3.1:latest'))()).resolves.toBe(undefined);
    await expect((await probeOf('qwen2.5:14b'))()).resolves.toBe(undefined);
    expect(pulled.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/tags',
      'GET /api/tags',
      'GET /api/tags',
    ]);
    expect(pulled.requests[0].headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(pulled.requests[1].headers.authorization).toBeUndefined();
  });

  it('fails naming the missing model and what Ollama has, with the command to pull it', async () => {
    const error = await (await probeOf('mistral'))().catch(e => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(error.message).toBe(
      `Ollama model mistral at ${pulled.baseUrl}/api/tags failed: the server does not have this model (it has llama3.1:latest, qwen2.5:14b); pull it with "ollama pull mistral" or fix the model name in the config`,
    );
    // another tag of a pulled model is another model
    await expect((await probeOf('qwen2.5'))()).rejects.toThrow(
      'the server does not have this model',
    );
  });

  it('fails at once, without retrying, when nothing listens or the server errs', async () => {
    const gone = await startOllamaTestServer();
    const goneUrl = gone.baseUrl;
    await gone.close();
    await expect(
      (await probeOf('llama3.1', undefined, goneUrl))(),
    ).rejects.toThrow(
      `Ollama model llama3.1 at ${goneUrl}/api/tags failed: cannot reach the server (ECONNREFUSED); check baseUrl and that Ollama is running`,
    );

    pulled.failNext(503);
    await expect((await probeOf('llama3.1'))()).rejects.toThrow(
      'failed: HTTP 503: service unavailable',
    );
    expect(pulled.requests).toHaveLength(1);
  });

  it('fails with a credentials error that does not show the key when the key is wrong', async () => {
    const guarded = await startOllamaTestServer({
      apiKey: 'the-right-key',
      models: ['llama3.1'],
    });
    try {
      const error = await (
        await probeOf('llama3.1', apiKey, guarded.baseUrl)
      )().catch(e => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.message).toBe(
        `Ollama model llama3.1 at ${guarded.baseUrl}/api/tags failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
      );
      expect(JSON.stringify([error.message, error.stack])).not.toContain(
        apiKey,
      );
      expect(guarded.requests).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });

  it('gives up after its timeout when Ollama does not answer', async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const [model] = await new OllamaModelProvider(
        { baseUrl: `http://127.0.0.1:${port}`, models: ['llama3.1'] },
        { probeTimeoutMs: 300 },
      ).getModels();
      await expect(model.probe!()).rejects.toThrow(
        `Ollama model llama3.1 at http://127.0.0.1:${port}/api/tags failed: no response within 300 ms`,
      );
    } finally {
      silent.closeAllConnections();
      await new Promise(resolve => silent.close(resolve));
    }
  });
});
