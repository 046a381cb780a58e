import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { createAzureOpenAiEmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai';
import { readAiAssistantConfig } from '@ai-assistant/backstage-plugin-ai-assistant-backend/src/config';
import { IngestionRunStore } from '@ai-assistant/backstage-plugin-ai-assistant-backend/src/database/IngestionRunStore';
import { KnowledgeStore } from '@ai-assistant/backstage-plugin-ai-assistant-backend/src/database/KnowledgeStore';
import { EmbeddingsService } from '@ai-assistant/backstage-plugin-ai-assistant-backend/src/embeddings/EmbeddingsService';
import { createChunker } from '@ai-assistant/backstage-plugin-ai-assistant-backend/src/ingestion/chunking';
import { IngestionPipeline } from '@ai-assistant/backstage-plugin-ai-assistant-backend/src/ingestion/IngestionPipeline';
import type { Knex } from 'knex';

/**
 * A logger that drops everything (the benchmarks print their own figures), unless
 * BENCH_TRACE is set: then info lines go to stderr, e.g. how long the index build took.
 */
export const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info(message, meta) {
    if (process.env.BENCH_TRACE) console.error(message, meta ?? '');
  },
  debug() {},
  child() {
    return silentLogger;
  },
};

/** The Azure OpenAI embeddings provider, as the module creates it, pointed at a stub. */
export function stubEmbeddingsProvider(endpoint: string, dimensions: number) {
  return createAzureOpenAiEmbeddingsProvider({
    deploymentName: 'text-embedding-3-small',
    endpoint,
    apiKey: 'bench',
    openAIApiVersion: '2024-10-21',
    batchSize: 512,
    dimensions,
    maxRetries: 0,
    timeoutMs: 60_000,
  });
}

/**
 * The plugin's ingestion pipeline wired as plugin.ts wires it, with the default settings
 * (chunk size, batch size) and the Azure OpenAI embeddings provider pointed at a stub.
 */
export function createBenchPipeline(
  knex: Knex,
  endpoint: string,
  dimensions: number,
) {
  const settings = readAiAssistantConfig(new ConfigReader({}));
  const embeddings = new EmbeddingsService(
    stubEmbeddingsProvider(endpoint, dimensions),
  );
  const store = KnowledgeStore.create({
    knex,
    model: () => embeddings.getModel(),
    weights: settings.retrieval,
  });
  const pipeline = new IngestionPipeline({
    store,
    runs: IngestionRunStore.create({ knex }),
    embeddings,
    chunker: createChunker(settings.chunking),
    chunking: settings.chunking,
    batchSize: settings.ingestion.batchSize,
    logger: silentLogger,
  });
  return { pipeline, store, embeddings };
}
