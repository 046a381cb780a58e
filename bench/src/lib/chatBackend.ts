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
import { aiAssistantIngestorExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { aiAssistantModuleAzureOpenAiEmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai';
import aiAssistantModuleOllamaModelProvider from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-ollama';
import aiAssistantPlugin from '@ai-assistant/backstage-plugin-ai-assistant-backend';
import type { AddressInfo } from 'node:net';
import { sendChat } from './chatClient';
import { GeneratedIngestor } from './corpus';
import { createBenchDatabase } from './database';
import { silentLogger } from './pipeline';
import { ChatStubOptions, startOllamaChatStub } from '../stubs/ollamaChatStub';
import { startEmbeddingsStub } from '../stubs/startEmbeddingsStub';

/**
 * Starts the real backend plugin over HTTP, as its tests do, on a fresh Postgres database,
 * with the Azure OpenAI embeddings module and the Ollama model module pointed at loopback
 * stubs, and a generated corpus ingested through the ingestion route.
 */
export async function startChatBench(options: {
  model: ChatStubOptions;
  documents: number;
  config?: object;
}) {
  const embeddingsStub = await startEmbeddingsStub(1536);
  const modelStub = await startOllamaChatStub(options.model);
  const db = await createBenchDatabase('chat', { migrate: false });
  const ingestorModule = createBackendModule({
    pluginId: 'ai-assistant',
    moduleId: 'bench-corpus',
    register(env) {
      env.registerInit({
        deps: { ingestors: aiAssistantIngestorExtensionPoint },
        async init({ ingestors }) {
          ingestors.addIngestor(
            new GeneratedIngestor('docs', {
              documents: options.documents,
              paragraphs: 10,
            }),
          );
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      aiAssistantPlugin,
      aiAssistantModuleAzureOpenAiEmbeddingsProvider,
      aiAssistantModuleOllamaModelProvider,
      ingestorModule,
      mockServices.rootConfig.factory({
        data: {
          aiAssistant: {
            embeddings: {
              azureOpenAi: {
                endpoint: embeddingsStub.endpoint,
                apiKey: 'bench',
                deploymentName: 'text-embedding-3-small',
                dimensions: 1536,
              },
            },
            models: {
              ollama: { baseUrl: modelStub.baseUrl, models: ['llama3.1'] },
            },
            ingestion: {
              schedule: {
                frequency: { hours: 1 },
                timeout: { minutes: 30 },
                initialDelay: { hours: 1 },
              },
            },
            ...options.config,
          },
        },
      }),
      mockServices.database.factory({ knex: db.knex }),
      // The backend's own logging would otherwise print every request.
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => silentLogger as any,
      }),
      catalogServiceMock.factory({ entities: [] }),
    ],
  });
  const port = (backend.server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}/api/ai-assistant`;
  const auth = (user: string) => ({
    authorization: mockCredentials.user.header(user),
  });

  // Ingests the corpus through the route an admin would use, and waits for it.
  const started = await fetch(`${base}/ingestion/run`, {
    method: 'POST',
    headers: auth('user:default/admin'),
  });
  if (started.status !== 202)
    throw new Error(`ingestion run answered ${started.status}`);
  for (;;) {
    const status = await (
      await fetch(`${base}/ingestion`, { headers: auth('user:default/admin') })
    ).json();
    const state = status.ingestors?.[0]?.lastRun?.state;
    if (state === 'failed')
      throw new Error(
        `ingestion failed: ${JSON.stringify(status.ingestors[0].lastRun)}`,
      );
    if (state === 'succeeded') break;
    await new Promise(resolve => setTimeout(resolve, 200));
  }

  /** Sends one chat message and reads its event stream to the end. */
  const chat = (user: string, message: string, conversationId?: string) =>
    sendChat(base, user, message, conversationId);

  return {
    /** Where the plugin's API is, e.g. `http://127.0.0.1:7007/api/ai-assistant`. */
    base,
    chat,
    modelStub,
    embeddingsStub,
    async stop() {
      await backend.stop();
      await modelStub.close();
      embeddingsStub.close();
      await db.drop();
    },
  };
}
