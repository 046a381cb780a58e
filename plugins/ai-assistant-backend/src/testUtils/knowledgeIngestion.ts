import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { EmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { Knex } from 'knex';
import { AiAssistantSettings, readAiAssistantConfig } from '../config';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { createChunker } from '../ingestion/chunking';
import { IngestionPipeline } from '../ingestion/IngestionPipeline';

/**
 * The knowledge store, embeddings service and ingestion pipeline wired together as the
 * plugin wires them (see {@link createKnowledgeIngestion}).
 *
 * @public
 */
export interface KnowledgeIngestion {
  /** Runs an ingestor through chunking and embeddings into the store. */
  pipeline: IngestionPipeline;
  /** The store the pipeline writes to; search it to measure retrieval. */
  store: KnowledgeStore;
  /** The embeddings service the pipeline uses; embed queries with it. */
  embeddings: EmbeddingsService;
}

/**
 * Wires the plugin's real ingestion pipeline (chunking, embeddings, knowledge store, run
 * records) on `knex` with the given embeddings provider and settings, the way the plugin
 * does at startup, so benchmarks and retrieval evaluations measure what users run. The
 * database must already have the plugin's schema (see prepareKnowledgeDatabase).
 *
 * @public
 */
export function createKnowledgeIngestion(options: {
  knex: Knex;
  provider: EmbeddingsProvider;
  /** `aiAssistant.*` settings; the defaults of an empty config when left out. */
  settings?: AiAssistantSettings;
  logger: LoggerService;
}): KnowledgeIngestion {
  const settings =
    options.settings ?? readAiAssistantConfig(new ConfigReader({}));
  const embeddings = new EmbeddingsService(options.provider);
  const store = KnowledgeStore.create({
    knex: options.knex,
    model: () => embeddings.getModel(),
    weights: settings.retrieval,
    textSearchConfig: settings.retrieval.textSearchConfig,
  });
  const pipeline = new IngestionPipeline({
    store,
    runs: IngestionRunStore.create({ knex: options.knex }),
    embeddings,
    chunker: createChunker(settings.chunking),
    chunking: {
      ...settings.chunking,
      textSearchConfig: settings.retrieval.textSearchConfig,
    },
    batchSize: settings.ingestion.batchSize,
    logger: options.logger,
  });
  return { pipeline, store, embeddings };
}
