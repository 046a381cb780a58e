import { runModelProviderConformanceTests } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  AIMessage,
  AIMessageChunk,
  ToolMessage,
} from '@langchain/core/messages';
import { concat } from '@langchain/core/utils/stream';
import {
  apiKey,
  firstChatModel,
  messages,
  searchCatalog,
  useOllamaTestServer,
} from './__testUtils__/ollamaTestServer';

const { server, createProvider } = useOllamaTestServer();

runModelProviderConformanceTests('Ollama', {
  createProvider: () => createProvider(['llama3.1', 'qwen2.5']),
  scriptReply: reply => server().scriptChat(reply),
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
    server().scriptChat({ text: 'The checkout team.' });
    await chatModel.invoke(messages);

    expect(server().requests).toHaveLength(1);
    const [request] = server().requests;
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
    expect(server().requests[0].headers.authorization).toBeUndefined();
  });

  it('streams tokens as they are generated, one chunk per token', async () => {
    const chatModel = await firstChatModel(createProvider());
    server().scriptChat({
      text: 'one two three four five',
      delayMsPerToken: 40,
    });
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
    server().scriptChat({
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
    expect(server().requests[0].body.tools).toEqual([
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
    server().scriptChat({
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
    expect(server().requests[0].body.messages.slice(2)).toEqual([
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
});
