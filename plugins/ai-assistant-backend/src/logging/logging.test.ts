import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  aiAssistantIngestorExtensionPoint,
  aiAssistantToolExtensionPoint,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  captureConsole,
  loadTestConfig,
  startAzureOpenAiTestServer,
  startOllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import azureOpenAiEmbeddings from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai';
import azureAiModels from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-azure-ai';
import ollamaModels from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-ollama';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { z } from 'zod';
import { RecordingPermissions, waitFor } from '../__testUtils__/chatBackend';
import { doc, FakeIngestor } from '../__testUtils__/fakes';
import { aiAssistantPlugin } from '../plugin';

jest.setTimeout(120_000);

// Production-style config: every key comes from the environment, as the deployment guide does.
const configYaml = `
aiAssistant:
  embeddings:
    azureOpenAi:
      deploymentName: text-embedding-3-small
      apiKey: \${AZURE_OPENAI_API_KEY}
      endpoint: \${AZURE_OPENAI_ENDPOINT}
      openAIApiVersion: 2024-12-01-preview
      dimensions: 64
      maxRetries: 0
  models:
    azureAi:
      apiKey: \${AZURE_AI_API_KEY}
      maxRetries: 0
      models:
        - endpoint: \${AZURE_AI_ENDPOINT}
          modelName: gpt-4o
    ollama:
      baseUrl: \${OLLAMA_BASE_URL}
      apiKey: \${OLLAMA_API_KEY}
      models:
        - llama3.1
  ingestion:
    schedule:
      frequency: { hours: 1 }
      timeout: { minutes: 1 }
      initialDelay: { hours: 1 }
`;

describe('logs and audit events', () => {
  const logs = captureConsole();

  it('never contain an API key, also when providers fail, and audit tool calls, deletions and ingestion triggers', async () => {
    const keys = {
      AZURE_OPENAI_API_KEY: `aoai-${randomUUID()}`,
      AZURE_AI_API_KEY: `aiai-${randomUUID()}`,
      OLLAMA_API_KEY: `olla-${randomUUID()}`,
    };
    const embeddingsServer = await startAzureOpenAiTestServer({
      apiKey: keys.AZURE_OPENAI_API_KEY,
    });
    const azure = await startAzureOpenAiTestServer({
      apiKey: keys.AZURE_AI_API_KEY,
    });
    const ollama = await startOllamaTestServer({
      apiKey: keys.OLLAMA_API_KEY,
    });
    const config = await loadTestConfig(configYaml, {
      ...keys,
      AZURE_OPENAI_ENDPOINT: embeddingsServer.endpoint,
      AZURE_AI_ENDPOINT: azure.endpoint,
      OLLAMA_BASE_URL: ollama.baseUrl,
    });

    const ingestor = new FakeIngestor('docs');
    ingestor.documents = [
      doc(
        'argo',
        'Deployments use Argo CD. Every service deploys through Argo.',
      ),
    ];
    const auditor = mockServices.auditor.mock();
    const backend = await startTestBackend({
      features: [
        aiAssistantPlugin,
        azureOpenAiEmbeddings,
        azureAiModels,
        ollamaModels,
        createBackendModule({
          pluginId: 'ai-assistant',
          moduleId: 'test-ingestor-and-tool',
          register(env) {
            env.registerInit({
              deps: {
                ingestors: aiAssistantIngestorExtensionPoint,
                tools: aiAssistantToolExtensionPoint,
              },
              async init({ ingestors, tools }) {
                ingestors.addIngestor(ingestor);
                tools.addTools({
                  name: 'echo',
                  description: 'Repeats its input',
                  schema: z.object({ text: z.string() }),
                  invoke: async ({ text }) => ({ text }),
                });
              },
            });
          },
        }),
        mockServices.rootConfig.factory({ data: config }),
        // Unredacted, so the test sees exactly what the plugin writes.
        mockServices.rootLogger.factory({ level: 'debug' }),
        auditor.factory,
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => new RecordingPermissions(),
        }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const { server } = backend;
    const user = mockCredentials.user.header('user:default/a');
    const admin = mockCredentials.user.header('user:default/admin');
    const lastRun = async () =>
      (
        await request(server)
          .get('/api/ai-assistant/ingestion')
          .set('Authorization', admin)
      ).body.ingestors[0].lastRun;
    const runIngestion = async () => {
      const before = (await lastRun())?.id;
      await request(server)
        .post('/api/ai-assistant/ingestion/run')
        .set('Authorization', admin)
        .expect(202);
      return waitFor(async () => {
        const run = await lastRun();
        return run && run.id !== before && run.state !== 'running'
          ? run
          : undefined;
      });
    };
    const chat = async (message: string) => {
      const res = await request(server)
        .post('/api/ai-assistant/chat')
        .set('Authorization', user)
        .send({ message });
      return res.text;
    };

    let conversationId = '';
    try {
      // Ingestion: the embeddings key is refused once (the run fails), then accepted.
      embeddingsServer.failNext(401);
      expect((await runIngestion()).state).toBe('failed');
      expect((await runIngestion()).state).toBe('succeeded');

      // Retrieval and the first model fail; Ollama answers.
      embeddingsServer.failNext(401);
      azure.failNext(401);
      const first = await chat('How do services deploy?');
      expect(first).toContain('event: done');
      conversationId = /"conversationId":"([^"]+)"/.exec(first)![1];

      // The Azure model calls a tool, then answers.
      azure.scriptChat({
        toolCalls: [{ name: 'echo', arguments: { text: 'argo' } }],
      });
      azure.scriptChat({ text: 'Services deploy with Argo CD.' });
      expect(await chat('Which tool deploys services?')).toContain(
        'event: done',
      );

      // Every model fails: the user gets an error event. (Background title requests of the
      // earlier answers may take some of the failures.)
      azure.failNext(401, {}, 5);
      ollama.failNext(401, {}, 5);
      expect(await chat('Anyone there?')).toContain('event: error');

      await request(server)
        .delete(`/api/ai-assistant/conversations/${conversationId}`)
        .set('Authorization', user)
        .expect(204);
    } finally {
      await backend.stop();
      await Promise.all([
        embeddingsServer.close(),
        azure.close(),
        ollama.close(),
      ]);
    }

    // The keys were really used...
    expect(
      azure.requests.some(r => r.headers['api-key'] === keys.AZURE_AI_API_KEY),
    ).toBe(true);
    expect(
      ollama.requests.some(
        r => r.headers.authorization === `Bearer ${keys.OLLAMA_API_KEY}`,
      ),
    ).toBe(true);

    // ...the failures were logged...
    const output = logs().join('\n');
    expect(output).toContain('Ingestion of docs started');
    expect(output).toMatch(
      /Ingestion of docs finished \{[^}]*durationMs: \d+[^}]*chunksEmbedded: 1/,
    );
    expect(output).toContain('Ingestion of docs failed');
    expect(output).toContain('AI assistant embeddings provider call failed');
    expect(output).toContain('AI assistant model call failed');
    expect(output).toContain('AI assistant tool call succeeded');
    // ...and no key appears anywhere, whole or in part.
    for (const key of Object.values(keys)) {
      expect(output).not.toContain(key);
      expect(output).not.toContain(key.slice(5, 17));
    }

    // Audit events: who did what, and how it ended.
    const calls = auditor.createEvent.mock.calls.map(([options]) => options);
    const events = await Promise.all(
      auditor.createEvent.mock.results.map(result => result.value),
    );
    const audited = (eventId: string) =>
      calls.flatMap((options, index) =>
        options.eventId === eventId ? [{ options, event: events[index] }] : [],
      );

    const triggers = audited('ingestion-trigger');
    expect(triggers).toHaveLength(2);
    expect(triggers[0].options.request?.method).toBe('POST');
    expect(triggers[0].event.success).toHaveBeenCalled();

    const tools = audited('tool-invocation');
    expect(tools).toHaveLength(1);
    expect(tools[0].options.meta).toMatchObject({
      tool: 'echo',
      modelId: 'azureAi/gpt-4o',
    });
    expect(tools[0].options.request?.originalUrl).toBe(
      '/api/ai-assistant/chat',
    );
    expect(tools[0].event.success).toHaveBeenCalled();

    const deletions = audited('conversation-delete');
    expect(deletions).toHaveLength(1);
    expect(deletions[0].options).toMatchObject({
      severityLevel: 'medium',
      meta: { conversationId },
    });
    expect(deletions[0].event.success).toHaveBeenCalled();
  });
});
