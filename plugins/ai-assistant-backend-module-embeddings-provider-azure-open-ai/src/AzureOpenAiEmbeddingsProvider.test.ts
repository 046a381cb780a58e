import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  AzureOpenAiTestServer,
  captureConsole,
  runEmbeddingsProviderConformanceTests,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { readAzureOpenAiEmbeddingsConfig } from './config';
import { AzureOpenAiEmbeddingsProvider } from './AzureOpenAiEmbeddingsProvider';

const apiKey = 'test-azure-openai-key-0123456789';

function providerFor(endpoint: string, settings: JsonObject = {}) {
  const config = new ConfigReader({
    aiAssistant: {
      embeddings: {
        azureOpenAi: {
          deploymentName: 'text-embedding-3-large',
          instanceName: 'eastus',
          apiKey,
          endpoint,
          openAIApiVersion: '2024-12-01-preview',
          ...settings,
        },
      },
    },
  });
  return new AzureOpenAiEmbeddingsProvider(
    readAzureOpenAiEmbeddingsConfig(config),
  );
}

let azure: AzureOpenAiTestServer;
beforeAll(async () => {
  azure = await startAzureOpenAiTestServer({
    apiKey,
    deployments: ['text-embedding-3-large', 'text-embedding-3-small'],
  });
});
beforeEach(() => {
  azure.requests.length = 0;
});
afterAll(() => azure.close());

describe('the Azure OpenAI embeddings provider', () => {
  it('names itself azureOpenAi with the deployment as its model', () => {
    const provider = providerFor(azure.endpoint);
    expect(provider.id).toBe('azureOpenAi');
    expect(provider.model).toBe('text-embedding-3-large');
    expect(provider.dimensions).toBeUndefined();
  });

  it("sends the guide's deployment, API version and key to the deployment's embeddings path", async () => {
    const vectors = await providerFor(azure.endpoint).embeddings.embedDocuments(
      ['kubernetes deployment', 'payment service\nAPI'],
    );

    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toHaveLength(3072);
    expect(azure.requests).toHaveLength(1);
    const [request] = azure.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(
      '/openai/deployments/text-embedding-3-large/embeddings',
    );
    expect(request.query).toEqual({ 'api-version': '2024-12-01-preview' });
    expect(request.headers['api-key']).toBe(apiKey);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      model: 'text-embedding-3-large',
      input: ['kubernetes deployment', 'payment service API'],
      encoding_format: 'base64',
    });
  });

  it('embeds a query as a single input', async () => {
    const vector = await providerFor(azure.endpoint).embeddings.embedQuery(
      'Who owns payments?',
    );
    expect(vector).toHaveLength(3072);
    expect(azure.requests.map(r => r.body.input)).toEqual([
      'Who owns payments?',
    ]);
  });

  it('asks for and reports the configured dimensions', async () => {
    const provider = providerFor(azure.endpoint, { dimensions: 1024 });
    expect(provider.dimensions).toBe(1024);
    const vector = await provider.embeddings.embedQuery('hello');
    expect(vector).toHaveLength(1024);
    expect(azure.requests[0].body.dimensions).toBe(1024);
  });

  it('splits large calls into requests of at most batchSize inputs, keeping the order', async () => {
    const texts = Array.from({ length: 5 }, (_, i) => `text ${i}`);
    const provider = providerFor(azure.endpoint, { batchSize: 2 });
    const vectors = await provider.embeddings.embedDocuments(texts);
    expect(azure.requests.map(r => r.body.input)).toEqual([
      ['text 0', 'text 1'],
      ['text 2', 'text 3'],
      ['text 4'],
    ]);
    const single = await provider.embeddings.embedQuery('text 4');
    expect(vectors[4]).toEqual(single);
  });

  it("sends 512 inputs per request by default and never more than Azure's 2048", async () => {
    const texts = Array.from({ length: 2049 }, (_, i) => `document ${i}`);
    await providerFor(azure.endpoint, {
      deploymentName: 'text-embedding-3-small',
    }).embeddings.embedDocuments(texts.slice(0, 1000));
    expect(azure.requests.map(r => r.body.input.length)).toEqual([512, 488]);

    azure.requests.length = 0;
    const vectors = await providerFor(azure.endpoint, {
      deploymentName: 'text-embedding-3-small',
      batchSize: 2048,
    }).embeddings.embedDocuments(texts);
    expect(vectors).toHaveLength(2049);
    expect(vectors[0]).toHaveLength(1536);
    expect(azure.requests.map(r => r.body.input.length)).toEqual([2048, 1]);
  });

  it('embeds documents as float32 with the same requests and the same vectors', async () => {
    const texts = ['kubernetes deployment', 'payment service\nAPI', 'lunch'];
    const provider = providerFor(azure.endpoint, { batchSize: 2 });
    const numbers = await provider.embeddings.embedDocuments(texts);
    const sent = azure.requests.splice(0);

    const floats = await provider.embedDocumentsFloat32!(texts);

    expect(floats).toHaveLength(3);
    floats.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(Array.from(vector)).toEqual(numbers[i]);
    });
    expect(
      azure.requests.map(({ path, query, body, headers }) => ({
        path,
        query,
        body,
        key: headers['api-key'],
        bearer: headers.authorization,
      })),
    ).toEqual(
      sent.map(({ path, query, body, headers }) => ({
        path,
        query,
        body,
        key: headers['api-key'],
        bearer: headers.authorization,
      })),
    );
    expect(azure.requests[0].body.input).toEqual([
      'kubernetes deployment',
      'payment service API',
    ]);
  });

  it('names the provider when the float32 path fails, as the other calls do', async () => {
    const error = await providerFor(azure.endpoint, {
      deploymentName: 'no-such-deployment',
    }).embedDocumentsFloat32!(['hello']).catch(e => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.status).toBe(404);
    expect(error.message).toContain(
      `Azure OpenAI model no-such-deployment at ${azure.endpoint}/openai/deployments/no-such-deployment/embeddings failed: not found (HTTP 404)`,
    );
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    azure.failNext(429, { 'Retry-After': '1' });
    const started = Date.now();
    const vector = await providerFor(azure.endpoint).embeddings.embedQuery(
      'hello',
    );
    expect(vector).toHaveLength(3072);
    expect(azure.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(azure.requests[1].path).toBe(azure.requests[0].path);
    expect(azure.requests[1].body).toEqual(azure.requests[0].body);
  });

  it('retries server errors and gives up after maxRetries with an error naming the status', async () => {
    azure.failNext(503, { 'retry-after-ms': '10' }, 3);
    const provider = providerFor(azure.endpoint, { maxRetries: 2 });
    await expect(provider.embeddings.embedQuery('hello')).rejects.toThrow(
      `Azure OpenAI model text-embedding-3-large at ${azure.endpoint}/openai/deployments/text-embedding-3-large/embeddings failed: HTTP 503: The service is temporarily unable to process your request`,
    );
    expect(azure.requests).toHaveLength(3);
  });

  describe('when the key is rejected', () => {
    const output = captureConsole();

    it('turns a rejected key into one clear error naming provider and model, without the key', async () => {
      const wrongKey = 'wrong-key-that-must-not-leak-42';
      const provider = providerFor(azure.endpoint, { apiKey: wrongKey });
      const error = await provider.embeddings.embedQuery('hello').catch(e => e);

      expect(error).toBeInstanceOf(ProviderError);
      expect(error.status).toBe(401);
      expect(error.message).toBe(
        `Azure OpenAI model text-embedding-3-large at ${azure.endpoint}/openai/deployments/text-embedding-3-large/embeddings failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
      );
      expect(azure.requests).toHaveLength(1);
      expect(JSON.stringify(error)).not.toContain(wrongKey);
      expect(String(error.stack)).not.toContain(wrongKey);
      expect(error.cause?.message ?? '').not.toContain(wrongKey);
      expect(output().join('\n')).not.toContain(wrongKey);
    });
  });

  it('says when the deployment does not exist', async () => {
    const error = await providerFor(azure.endpoint, {
      deploymentName: 'no-such-deployment',
    })
      .embeddings.embedQuery('hello')
      .catch(e => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      `Azure OpenAI model no-such-deployment at ${azure.endpoint}/openai/deployments/no-such-deployment/embeddings failed: not found (HTTP 404): The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again; check the endpoint, deployment or model name in the config`,
    );
  });

  describe('against a server that does not answer', () => {
    let silent: Server;
    let endpoint: string;
    beforeAll(async () => {
      silent = createServer(() => {});
      await new Promise<void>(resolve =>
        silent.listen(0, '127.0.0.1', resolve),
      );
      endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    });
    afterAll(
      () =>
        new Promise<void>(resolve => {
          silent.closeAllConnections();
          silent.close(() => resolve());
        }),
    );

    it('gives up after the configured timeout and says so', async () => {
      const provider = providerFor(endpoint, {
        timeout: { milliseconds: 200 },
        maxRetries: 0,
      });
      await expect(provider.embeddings.embedQuery('hello')).rejects.toThrow(
        `Azure OpenAI model text-embedding-3-large at ${endpoint}/openai/deployments/text-embedding-3-large/embeddings failed: Connection error: no response within 200 ms`,
      );
    });
  });
});

runEmbeddingsProviderConformanceTests('Azure OpenAI', {
  createProvider: () => providerFor(azure.endpoint),
});
