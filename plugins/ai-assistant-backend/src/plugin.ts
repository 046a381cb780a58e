import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  actionsServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import {
  AiAssistantTool,
  aiAssistantEmbeddingsProviderExtensionPoint,
  aiAssistantIngestorExtensionPoint,
  aiAssistantModelProviderExtensionPoint,
  aiAssistantToolExtensionPoint,
  EmbeddingsProvider,
  Ingestor,
  ModelProvider,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { aiAssistantPermissions } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { ChatService } from './chat/ChatService';
import { CircuitBreaker } from './chat/CircuitBreaker';
import { ModelRouter } from './chat/ModelRouter';
import { PromptBuilder } from './chat/PromptBuilder';
import { Retriever } from './chat/Retriever';
import { TitleGenerator } from './chat/TitleGenerator';
import { ToolSet } from './chat/ToolSet';
import { createCatalogLookupTool } from './chat/tools/catalogLookupTool';
import { createKnowledgeSearchTool } from './chat/tools/knowledgeSearchTool';
import { readAiAssistantConfig } from './config';
import { ConversationStore } from './database/ConversationStore';
import { createKnowledgeDatabase } from './database/createKnowledgeDatabase';
import { IngestionRunStore } from './database/IngestionRunStore';
import { KnowledgeEntityRefs } from './database/KnowledgeEntityRefs';
import { KnowledgeStore } from './database/KnowledgeStore';
import { withStartupLock } from './database/startupLock';
import { assertVectorSupportsModel } from './database/vectorExtension';
import { EmbeddingsService } from './embeddings/EmbeddingsService';
import { createChunker } from './ingestion/chunking';
import { AiAssistantMetrics } from './metrics/AiAssistantMetrics';
import { IngestionPipeline } from './ingestion/IngestionPipeline';
import { IngestionService } from './ingestion/IngestionService';
import { HealthService } from './healthcheck/HealthService';
import { IngestionStatusService } from './ingestion/IngestionStatusService';
import { ConversationRetention } from './chat/ConversationRetention';
import { RateLimiter } from './chat/RateLimiter';
import { createRouter } from './service/router';
import { ExampleQuestions } from './chat/ExampleQuestions';
import { ActionApprovals } from './chat/ActionApprovals';
import { ActionTools } from './chat/tools/actionTools';
import { ActionApprovalStore } from './database/ActionApprovalStore';
import { RetrievalTestService } from './chat/RetrievalTestService';
import { MessageRetrievalStore } from './database/MessageRetrievalStore';
import { UsageStore } from './database/UsageStore';
import { UsageRecorder } from './chat/UsageRecorder';
import { TokenBudget } from './chat/TokenBudget';
import { KnowledgeActions } from './actions/KnowledgeActions';
import { registerKnowledgeActions } from './actions/registerKnowledgeActions';

/**
 * The AI assistant backend plugin: knowledge store, ingestion and the REST API at
 * `/api/ai-assistant`. Providers, ingestors and tools come from modules.
 *
 * @public
 */
export const aiAssistantPlugin = createBackendPlugin({
  pluginId: 'ai-assistant',
  register(env) {
    let embeddingsProvider: EmbeddingsProvider | undefined;
    const modelProviders: ModelProvider[] = [];
    const ingestors = new Map<string, Ingestor>();
    const tools = new Map<string, AiAssistantTool>();

    env.registerExtensionPoint(aiAssistantEmbeddingsProviderExtensionPoint, {
      setEmbeddingsProvider(provider) {
        if (embeddingsProvider) {
          throw new Error(
            `Cannot register embeddings provider '${provider.id}': embeddings provider '${embeddingsProvider.id}' is already registered, and the AI assistant uses exactly one. ` +
              `Remove one of the two modules from the backend, or set aiAssistant.embeddings.provider to the one to use.`,
          );
        }
        embeddingsProvider = provider;
      },
    });
    env.registerExtensionPoint(aiAssistantModelProviderExtensionPoint, {
      addModelProvider(...added) {
        for (const provider of added) {
          // Providers name their models `<provider id>/<model>`: two with one id would offer
          // models with the same ids, and a user's pick could reach either.
          if (modelProviders.some(p => p.id === provider.id)) {
            throw new Error(
              `An AI assistant model provider with id '${provider.id}' is already registered. ` +
                `Remove one of the two modules that add it from the backend.`,
            );
          }
          modelProviders.push(provider);
        }
      },
    });
    env.registerExtensionPoint(aiAssistantIngestorExtensionPoint, {
      addIngestor(...added) {
        for (const ingestor of added) {
          if (ingestors.has(ingestor.id)) {
            throw new Error(
              `An AI assistant ingestor with id '${ingestor.id}' is already registered`,
            );
          }
          ingestors.set(ingestor.id, ingestor);
        }
      },
    });
    env.registerExtensionPoint(aiAssistantToolExtensionPoint, {
      addTools(...added) {
        for (const tool of added) {
          if (tools.has(tool.name)) {
            throw new Error(
              `An AI assistant tool named '${tool.name}' is already registered`,
            );
          }
          tools.set(tool.name, tool);
        }
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        cache: coreServices.cache,
        auditor: coreServices.auditor,
        metrics: metricsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        actions: actionsServiceRef,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger, database, lifecycle, scheduler, httpRouter } =
          deps;
        if (!embeddingsProvider) {
          throw new Error(
            'The AI assistant has no embeddings provider. Add one embeddings module to the backend ' +
              '(e.g. @ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai) ' +
              'and its config block under aiAssistant.embeddings (azureOpenAi, ollama or local).',
          );
        }
        const settings = readAiAssistantConfig(config);
        deps.permissionsRegistry.addPermissions(aiAssistantPermissions);
        const metrics = new AiAssistantMetrics(deps.metrics);

        const db = await createKnowledgeDatabase({
          database,
          logger,
          lifecycle,
          pgliteDataDir: settings.pglite.dataDir,
          readReplica: settings.readReplica,
          metrics,
        });
        const readReplica = db.readReplica;
        const embeddings = new EmbeddingsService(embeddingsProvider, {
          metrics,
          logger,
          concurrency: settings.ingestion.embeddingConcurrency,
        });
        const store = KnowledgeStore.create({
          knex: db.knex,
          model: () => embeddings.getModel(),
          weights: settings.retrieval,
          textSearchConfig: settings.retrieval.textSearchConfig,
          indexBuild: settings.ingestion.indexBuild,
          readReplica: readReplica && {
            knex: readReplica,
            onError: error =>
              logger.warn(
                'AI assistant search on the read replica failed; searched the primary instead',
                {
                  error: error instanceof Error ? error.message : String(error),
                },
              ),
          },
        });
        await store.checkTextSearchConfig();
        const runs = IngestionRunStore.create({ knex: db.knex });
        // pgvector before 0.7 cannot index more than 2,000 dimensions (text-embedding-3-large
        // has 3,072): fail the start with the fix instead of the first ingestion.
        await assertVectorSupportsModel({
          knex: db.knex,
          dimensions:
            embeddingsProvider.dimensions ??
            (async () => (await embeddings.getModel()).dimensions),
          logger,
        });

        const pipeline = new IngestionPipeline({
          store,
          runs,
          embeddings,
          chunker: createChunker(settings.chunking),
          chunking: {
            ...settings.chunking,
            textSearchConfig: settings.retrieval.textSearchConfig,
          },
          batchSize: settings.ingestion.batchSize,
          logger,
          metrics,
        });
        const ingestion = new IngestionService({
          scheduler,
          pipeline,
          ingestors: [...ingestors.values()],
          schedule: settings.ingestion.schedule,
          logger,
          runs,
        });
        if (db.kind === 'postgres') {
          // Replicas starting together would race on the scheduler's own migrations.
          await withStartupLock(db.knex, 'ai-assistant:schedule', () =>
            ingestion.start(),
          );
        } else {
          await ingestion.start();
        }

        const conversations = ConversationStore.create({ knex: db.knex });
        const usage = UsageStore.create({ knex: db.knex });
        const usageRecorder = new UsageRecorder({
          store: usage,
          logger,
          metrics,
        });
        await new ConversationRetention({
          store: conversations,
          scheduler,
          logger,
          retentionMs: settings.conversationRetentionMs,
        }).start();
        const models = new ModelRouter({
          providers: modelProviders,
          breaker: new CircuitBreaker({
            failureThreshold: settings.chat.circuitBreaker.failureThreshold,
            cooldownMs: settings.chat.circuitBreaker.cooldownSeconds * 1000,
          }),
          logger,
          metrics,
        });
        const retriever = new Retriever({
          store,
          entityRefs: KnowledgeEntityRefs.create({ knex: db.knex }),
          embeddings,
          permissions: deps.permissions,
          amount: settings.retrieval.amount,
          metrics,
        });
        // In Backstage's cache, so replicas sharing it (e.g. Redis) share one limit per user.
        const rateLimiter = new RateLimiter({
          ...settings.chat.rateLimit,
          cache: deps.cache,
          logger,
        });
        const retrievalTest = new RetrievalTestService({
          retriever,
          embeddings,
          replays: MessageRetrievalStore.create({ knex: db.knex }),
          logger,
          maxQuestionLength: settings.chat.maxMessageLength,
        });
        const toolSet = new ToolSet({
          tools: [
            createKnowledgeSearchTool(retriever),
            createCatalogLookupTool(deps.catalog),
            ...tools.values(),
          ],
          permissions: deps.permissions,
          allowMutating: settings.chat.tools.allowMutating,
          enabledMutatingTools: settings.chat.tools.enabledMutatingTools,
          callLimits: settings.chat.tools,
          rateLimit: rateLimiter,
          actions: new ActionTools({
            actions: deps.actions,
            allowList: settings.actionTools,
            logger,
          }),
        });
        const approvals = new ActionApprovals({
          approvals: ActionApprovalStore.create({ knex: db.knex }),
          conversations,
          models,
          tools: toolSet,
          settings: settings.chat,
          logger,
          auditor: deps.auditor,
          metrics,
          usage: usageRecorder,
        });
        const chat = new ChatService({
          retrievalReplays: retrievalTest,
          store: conversations,
          models,
          retriever,
          prompts: new PromptBuilder({
            identity: settings.identity,
            historyTokenBudget: settings.chat.historyTokenBudget,
          }),
          tools: toolSet,
          approvals,
          titles: new TitleGenerator({ logger }),
          settings: settings.chat,
          logger,
          metrics,
          auditor: deps.auditor,
          usage: usageRecorder,
          budget: new TokenBudget({
            store: usage,
            dailyTokens: settings.chat.dailyTokenBudget,
            metrics,
          }),
        });

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            logger,
            auditor: deps.auditor,
            metrics,
            chat,
            models,
            examples: new ExampleQuestions({ retriever }),
            retrievalTest,
            conversations,
            approvals,
            rateLimiter,
            usage,
            dailyTokenBudget: settings.chat.dailyTokenBudget,
            health: new HealthService({
              knex: db.knex,
              databaseKind: db.kind,
              embeddings,
              models,
              runs,
              readReplica,
            }),
            ingestion: new IngestionStatusService({
              ingestion,
              runs,
              store,
              embeddings,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // search-knowledge, ask and ingestion-status for agents (MCP via mcp-actions-backend).
        registerKnowledgeActions(
          deps.actionsRegistry,
          new KnowledgeActions({
            retriever,
            chat,
            permissions: deps.permissions,
            ingestion: new IngestionStatusService({
              ingestion,
              runs,
              store,
              embeddings,
            }),
            rateLimiter,
            appBaseUrl: config.getOptionalString('app.baseUrl'),
          }),
        );
      },
    });
  },
});
