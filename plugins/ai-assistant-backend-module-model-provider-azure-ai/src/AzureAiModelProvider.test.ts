import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import {
  AIMessageChunk,
  HumanMessage,
  SystemMessage,
} from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { concat } from '@langchain/core/utils/stream';
import { z } from 'zod';
import {
  ModelProvider,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  AzureOpenAiTestServer,
  captureConsole,
  runModelProviderConformanceTests,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { readAzureAiModelsConfig } from './config';
import { AzureAiModelProvider } from './AzureAiModelProvider';

const apiKey = 'test-azure-ai-key-0123456789';

function providerFor(models: Array<JsonObject>, settings: JsonObject = {}) {
  return new AzureAiModelProvider(
    readAzureAiModelsConfig(
      new ConfigReader({
        aiAssistant: { models: { azureAi: { apiKey, models, ...settings } } },
      }),
    ),
  );
}

async function firstModel(provider: ModelProvider) {
  return (await provider.getModels())[0].chatModel;
}

const messages = [
  new SystemMessage('You answer questions about the catalog.'),
  new HumanMessage('Who owns payments?'),
];

const lookupEntity = tool(async () => '', {
  name: 'lookup_entity',
  description: 'Looks up a catalog entity.',
  schema: z.object({ entityRef: z.string().describe('Entity reference') }),
});

let azure: AzureOpenAiTestServer;
beforeAll(async () => {
  azure = await startAzureOpenAiTestServer({
    apiKey,
    deployments: ['gpt-4o', 'gpt-4o-mini', 'DeepSeek-R1'],
  });
});
beforeEach(() => {
  azure.requests.length = 0;
});
afterAll(() => azure.close());

describe('the Azure AI model provider', () => {
  it('offers one model per configured entry, in order', async () => {
    const provider = providerFor([
      { endpoint: azure.endpoint, modelName: 'gpt-4o' },
      { endpoint: azure.endpoint, modelName: 'gpt-4o-mini' },
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
    azure.scriptChat({ text: 'The checkout team owns it.' });
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure.endpoint, modelName: 'gpt-4o' }]),
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
    expect(azure.requests).toHaveLength(1);
    const [request] = azure.requests;
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
    azure.scriptChat({ text: 'one two three four', delayMsPerChunk: 50 });
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure.endpoint, modelName: 'gpt-4o' }]),
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
    azure.scriptChat({
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
      providerFor([{ endpoint: azure.endpoint, modelName: 'gpt-4o' }]),
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
    expect(azure.requests[0].body.stream).toBe(true);
    expect(azure.requests[0].body.tools).toEqual([
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
      providerFor([{ endpoint: azure.endpoint, modelName: 'gpt-4o' }]),
    );
    azure.scriptChat({
      toolCalls: [
        {
          name: 'lookup_entity',
          arguments: { entityRef: 'component:default/payments' },
        },
      ],
    });
    const call = await chatModel.bindTools!([lookupEntity]).invoke(messages);
    azure.scriptChat({ text: 'The checkout team.' });
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
    expect(azure.requests[1].body.messages.slice(2)).toEqual([
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
        endpoint: `${azure.endpoint}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2025-01-01-preview`,
        modelName: 'gpt-4o-mini',
      },
      { endpoint: `${azure.endpoint}/openai/v1/`, modelName: 'gpt-4o' },
      { endpoint: `${azure.endpoint}/models`, modelName: 'DeepSeek-R1' },
    ]);
    for (const { chatModel } of await provider.getModels()) {
      for await (const _ of await chatModel.stream(messages)) {
        // drain
      }
    }
    expect(
      azure.requests.map(r => [
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

  it('waits as long as Retry-After says after a 429, then streams the answer', async () => {
    azure.failNext(429, { 'Retry-After': '1' });
    azure.scriptChat({ text: 'after the wait' });
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure.endpoint, modelName: 'gpt-4o' }]),
    );
    const started = Date.now();
    const tokens: string[] = [];
    for await (const chunk of await chatModel.stream(messages)) {
      tokens.push(chunk.text);
    }
    expect(tokens.join('')).toBe('after the wait');
    expect(azure.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(azure.requests[1].body).toEqual(azure.requests[0].body);
  });

  describe('when the key is rejected', () => {
    const output = captureConsole();

    it('turns a rejected key into one clear error naming provider and model, without the key', async () => {
      const wrongKey = 'wrong-key-that-must-not-leak-42';
      const chatModel = await firstModel(
        providerFor([{ endpoint: azure.endpoint, modelName: 'gpt-4o' }], {
          apiKey: wrongKey,
        }),
      );
      const error = await (async () => {
        for await (const _ of await chatModel.stream(messages)) {
          // no chunks expected
        }
      })().catch(e => e);

      expect(error).toBeInstanceOf(ProviderError);
      expect(error.status).toBe(401);
      expect(error.message).toBe(
        `Azure AI model gpt-4o at ${azure.endpoint}/openai/deployments/gpt-4o/chat/completions failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
      );
      expect(azure.requests).toHaveLength(1);
      expect(JSON.stringify(error)).not.toContain(wrongKey);
      expect(String(error.stack)).not.toContain(wrongKey);
      expect(output().join('\n')).not.toContain(wrongKey);
    });
  });

  it('names the status and cause when retries run out', async () => {
    azure.failNext(500, { 'retry-after-ms': '5' }, 2);
    const chatModel = await firstModel(
      providerFor(
        [{ endpoint: `${azure.endpoint}/openai/v1`, modelName: 'gpt-4o-mini' }],
        { maxRetries: 1 },
      ),
    );
    await expect(chatModel.invoke(messages)).rejects.toThrow(
      `Azure AI model gpt-4o-mini at ${azure.endpoint}/openai/v1/chat/completions failed: HTTP 500: The server had an error while processing your request`,
    );
    expect(azure.requests).toHaveLength(2);
  });

  it('leaves a caller abort as an abort, not a provider failure', async () => {
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure.endpoint, modelName: 'gpt-4o' }]),
    );
    const controller = new AbortController();
    controller.abort();
    const error = await chatModel
      .invoke(messages, { signal: controller.signal })
      .catch(e => e);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(azure.requests).toHaveLength(0);
  });
});

runModelProviderConformanceTests('Azure AI', {
  createProvider: () =>
    providerFor([
      { endpoint: azure.endpoint, modelName: 'gpt-4o' },
      { endpoint: `${azure.endpoint}/openai/v1`, modelName: 'gpt-4o-mini' },
    ]),
  scriptReply: reply => azure.scriptChat(reply),
});

describe('the reachability probe', () => {
  const probeOf = async (entry: JsonObject) =>
    (await providerFor([entry]).getModels())[0].probe;

  it('asks an Azure OpenAI resource for its model list with the key, the GA API version and no tokens', async () => {
    const probe = await probeOf({
      endpoint: `${azure.endpoint}/openai/deployments/gpt-4o/chat/completions?api-version=2024-08-01-preview`,
      modelName: 'gpt-4o',
    });
    await expect(probe!()).resolves.toBeUndefined();
    expect(azure.requests).toHaveLength(1);
    const [request] = azure.requests;
    expect(`${request.method} ${request.path}`).toBe('GET /openai/models');
    expect(request.query).toEqual({ 'api-version': '2024-10-21' });
    expect(request.headers['api-key']).toBe(apiKey);
  });

  it('asks an OpenAI-compatible endpoint for /models with the key as a bearer token', async () => {
    const probe = await probeOf({
      endpoint: `${azure.endpoint}/openai/v1`,
      modelName: 'gpt-4o-mini',
    });
    await expect(probe!()).resolves.toBeUndefined();
    const [request] = azure.requests;
    expect(`${request.method} ${request.path}`).toBe('GET /openai/v1/models');
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request.query).toEqual({});
  });

  it('has no probe for the model inference endpoint, which offers no token-free request for every deployment', async () => {
    expect(
      await probeOf({
        endpoint: `${azure.endpoint}/models`,
        modelName: 'DeepSeek-R1',
      }),
    ).toBeUndefined();
  });

  it('fails once with a credentials error that does not show the key when the key is wrong', async () => {
    const wrongKey = 'wrong-azure-key-9876543210';
    const probe = await probeOf({
      endpoint: azure.endpoint,
      modelName: 'gpt-4o',
      apiKey: wrongKey,
    });
    const error = await probe!().catch(e => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      `Azure AI model gpt-4o at ${azure.endpoint}/openai/models failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
    );
    expect(JSON.stringify([error.message, error.stack])).not.toContain(
      wrongKey,
    );
    expect(azure.requests).toHaveLength(1);
  });

  it('fails at once, without retrying, when nothing listens or the service errs', async () => {
    const gone = await startAzureOpenAiTestServer();
    const goneUrl = gone.endpoint;
    await gone.close();
    const down = await probeOf({ endpoint: goneUrl, modelName: 'gpt-4o' });
    await expect(down!()).rejects.toThrow(
      `Azure AI model gpt-4o at ${goneUrl}/openai/models failed: cannot reach the server (ECONNREFUSED); check the endpoint in the config`,
    );

    azure.failNext(503);
    const busy = await probeOf({
      endpoint: azure.endpoint,
      modelName: 'gpt-4o',
    });
    await expect(busy!()).rejects.toThrow(
      'failed: HTTP 503: The service is temporarily unable to process your request.',
    );
    expect(azure.requests).toHaveLength(1);
  });

  it('cannot tell a missing deployment: Azure lists base models, not deployments', async () => {
    // Documents the limit: a deployment that does not exist still probes fine; the first
    // question reports it (DeploymentNotFound) and the circuit breaker takes over.
    const probe = await probeOf({
      endpoint: azure.endpoint,
      modelName: 'no-such-deployment',
    });
    await expect(probe!()).resolves.toBeUndefined();
  });
});
