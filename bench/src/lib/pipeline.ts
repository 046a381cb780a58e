import type { LoggerService } from '@backstage/backend-plugin-api';
import { AzureOpenAiEmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-azure-open-ai';
import { createKnowledgeIngestion } from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';
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
  return new AzureOpenAiEmbeddingsProvider({
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
  return createKnowledgeIngestion({
    knex,
    provider: stubEmbeddingsProvider(endpoint, dimensions),
    logger: silentLogger,
  });
}
