import { AIMessageChunk } from '@langchain/core/messages';
import { concat } from '@langchain/core/utils/stream';
import {
  runModelProviderConformanceTests,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  apiKey,
  firstModel,
  lookupEntity,
  messages,
  providerFor,
  useAzureTestServer,
} from './__testUtils__/azureAiTestServer';

const azure = useAzureTestServer();

describe('the Azure AI model provider', () => {
  it('offers one model per configured entry, in order', async () => {
    const provider = providerFor([
      { endpoint: azure().endpoint, modelName: 'gpt-4o' },
      { endpoint: azure().endpoint, modelName: 'gpt-4o-mini' },
    ]);
    expect(provider.id).toBe('azureAi');
    const models = await provider.getModels();
    expect(models.map(m => [m.id, m.displayName])).toEqual([
      ['azureAi/gpt-4o', 'gpt-4o (Azure AI)'],
      ['azureAi/gpt-4o-mini', 'gpt-4o-mini (Azure AI)'],
    ]);
    expect(await provider.getModels()).toBe(models);
  });

  it('streams from the deployment named by modelName with the key and API version, parsing each token', async () => {
    azure().scriptChat({ text: 'The checkout team owns it.' });
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure().endpoint, modelName: 'gpt-4o' }]),
    );

    const tokens: string[] = [];
    for await (const chunk of await chatModel.stream(messages)) {
      tokens.push(chunk.text);
    }

    expect(tokens.filter(Boolean)).toEqual([
      'The ',
      'checkout ',
      'team ',
      'owns ',
      'it.',
    ]);
    expect(azure().requests).toHaveLength(1);
    const [request] = azure().requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/openai/deployments/gpt-4o/chat/completions');
    expect(request.query).toEqual({ 'api-version': '2024-10-21' });
    expect(request.headers['api-key']).toBe(apiKey);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers.accept).toBe('application/json');
    expect(request.body).toEqual({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You answer questions about the catalog.' },
        { role: 'user', content: 'Who owns payments?' },
      ],
    });
  });

  it('delivers streamed tokens as they arrive, not at the end', async () => {
    azure().scriptChat({ text: 'one two three four', delayMsPerChunk: 50 });
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure().endpoint, modelName: 'gpt-4o' }]),
    );
    const started = Date.now();
    const arrivals: number[] = [];
    for await (const chunk of await chatModel.stream(messages)) {
      if (chunk.text) arrivals.push(Date.now() - started);
    }
    expect(arrivals).toHaveLength(4);
    expect(arrivals[3] - arrivals[0]).toBeGreaterThanOrEqual(120);
  });

  it('sends bound tools and parses streamed tool calls', async () => {
    azure().scriptChat({
      toolCalls: [
        {
          name: 'lookup_entity',
          arguments: { entityRef: 'component:default/payments' },
        },
        {
          name: 'lookup_entity',
          arguments: { entityRef: 'group:default/checkout' },
        },
      ],
    });
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure().endpoint, modelName: 'gpt-4o' }]),
    );

    let message: AIMessageChunk | undefined;
    for await (const chunk of await chatModel.bindTools!([lookupEntity]).stream(
      messages,
    )) {
      message = message ? concat(message, chunk) : chunk;
    }

    expect(message?.tool_calls).toEqual([
      {
        type: 'tool_call',
        id: 'call_0_lookup_entity',
        name: 'lookup_entity',
        args: { entityRef: 'component:default/payments' },
      },
      {
        type: 'tool_call',
        id: 'call_1_lookup_entity',
        name: 'lookup_entity',
        args: { entityRef: 'group:default/checkout' },
      },
    ]);
    expect(azure().requests[0].body.stream).toBe(true);
    expect(azure().requests[0].body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'lookup_entity',
          description: 'Looks up a catalog entity.',
          parameters: {
            type: 'object',
            properties: {
              entityRef: { type: 'string', description: 'Entity reference' },
            },
            required: ['entityRef'],
            additionalProperties: false,
            $schema: 'http://json-schema.org/draft-07/schema#',
          },
        },
      },
    ]);
  });

  it('sends tool results back as tool messages', async () => {
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure().endpoint, modelName: 'gpt-4o' }]),
    );
    azure().scriptChat({
      toolCalls: [
        {
          name: 'lookup_entity',
          arguments: { entityRef: 'component:default/payments' },
        },
      ],
    });
    const call = await chatModel.bindTools!([lookupEntity]).invoke(messages);
    azure().scriptChat({ text: 'The checkout team.' });
    const answer = await chatModel.bindTools!([lookupEntity]).invoke([
      ...messages,
      call,
      {
        role: 'tool',
        tool_call_id: 'call_0_lookup_entity',
        content: '{"owner":"checkout"}',
      },
    ]);
    expect(answer.text).toBe('The checkout team.');
    expect(azure().requests[1].body.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: 'call_0_lookup_entity',
            type: 'function',
            function: {
              name: 'lookup_entity',
              arguments: '{"entityRef":"component:default/payments"}',
            },
          },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_0_lookup_entity',
        content: '{"owner":"checkout"}',
      },
    ]);
  });

  it('calls every endpoint form at the right URL with the right credentials', async () => {
    const provider = providerFor([
      {
        // a target URI pasted from the Azure portal
        endpoint: `${azure().endpoint}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2025-01-01-preview`,
        modelName: 'gpt-4o-mini',
      },
      { endpoint: `${azure().endpoint}/openai/v1/`, modelName: 'gpt-4o' },
      { endpoint: `${azure().endpoint}/models`, modelName: 'DeepSeek-R1' },
    ]);
    for (const { chatModel } of await provider.getModels()) {
      for await (const _ of await chatModel.stream(messages)) {
        // drain
      }
    }
    expect(
      azure().requests.map(r => [
        r.path,
        r.query,
        r.headers['api-key'],
        r.headers.authorization,
        r.body.model,
        r.body.stream_options,
      ]),
    ).toEqual([
      [
        '/openai/deployments/gpt-4o-mini/chat/completions',
        { 'api-version': '2025-01-01-preview' },
        apiKey,
        undefined,
        'gpt-4o-mini',
        { include_usage: true },
      ],
      [
        '/openai/v1/chat/completions',
        {},
        undefined,
        `Bearer ${apiKey}`,
        'gpt-4o',
        { include_usage: true },
      ],
      [
        '/models/chat/completions',
        { 'api-version': '2024-05-01-preview' },
        undefined,
        `Bearer ${apiKey}`,
        'DeepSeek-R1',
        // the model inference API rejects parameters it does not know
        undefined,
      ],
    ]);
  });

  it('uses a per-model key and API version over the shared ones', async () => {
    const server = await startAzureOpenAiTestServer({
      apiKey: 'other-resource-key',
    });
    try {
      const chatModel = await firstModel(
        providerFor(
          [
            {
              endpoint: server.endpoint,
              modelName: 'gpt-4o',
              apiKey: 'other-resource-key',
              openAIApiVersion: '2024-06-01',
            },
          ],
          { openAIApiVersion: '2024-08-01-preview' },
        ),
      );
      for await (const _ of await chatModel.stream(messages)) {
        // drain
      }
      expect(server.requests[0]).toMatchObject({
        query: { 'api-version': '2024-06-01' },
        headers: { 'api-key': 'other-resource-key' },
        body: { stream: true },
      });
      // API versions before 2024-09-01 reject stream_options
      expect(server.requests[0].body.stream_options).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

runModelProviderConformanceTests('Azure AI', {
  createProvider: () =>
    providerFor([
      { endpoint: azure().endpoint, modelName: 'gpt-4o' },
      { endpoint: `${azure().endpoint}/openai/v1`, modelName: 'gpt-4o-mini' },
    ]),
  scriptReply: reply => azure().scriptChat(reply),
});
