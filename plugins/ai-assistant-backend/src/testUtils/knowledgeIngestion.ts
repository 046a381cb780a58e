import type { LoggerService } from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import type {
  EmbeddingsProvider,
  Ingestor,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { Knex } from 'knex';
import { readAiAssistantConfig } from '../config';
import { IngestionRunStore } from '../database/IngestionRunStore';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { createChunker } from '../ingestion/chunking';
import { IngestionPipeline } from '../ingestion/IngestionPipeline';
import type { TestEmbeddingsService } from './embeddings';
import type { TestKnowledgeStore } from './knowledgeStore';

/**
 * The `aiAssistant.*` settings that shape ingestion and retrieval, with their defaults
 * (see {@link readKnowledgeSettings}).
 *
 * @public
 */
export interface KnowledgeSettings {
  /** `storage.pgVector.chunkSize` and `chunkOverlap`, in characters. */
  chunking: { chunkSize: number; chunkOverlap: number };
  /** The hybrid search's weights and the keyword index's text-search configuration. */
  retrieval: {
    vectorWeight: number;
    textWeight: number;
    textSearchConfig: string;
  };
  /** Chunks per embeddings call, calls at once, and the vector index's bulk build. */
  ingestion: {
    batchSize: number;
    embeddingConcurrency: number;
    indexBuild: { maintenanceWorkMem: string; parallelWorkers: number };
  };
}

/**
 * Reads the settings the plugin would run with from an app config (the whole config, not
 * its `aiAssistant` section), failing on invalid values as the plugin does at startup.
 *
 * @public
 */
export function readKnowledgeSettings(config: Config): KnowledgeSettings {
  return readAiAssistantConfig(config);
}

/**
 * What one ingestion run did, as the plugin records it.
 *
 * @public
 */
export interface IngestionRunSummary {
  /** `failed` when the run stopped; documents can fail in a run that succeeded. */
  state: 'running' | 'succeeded' | 'failed';
  /** Why the run failed. */
  error?: string;
  /** Documents the ingestor yielded or kept. */
  documents: number;
  /** Documents skipped because nothing about them changed. */
  documentsUnchanged: number;
  /** Documents skipped because of an error of their own. */
  documentsFailed: number;
  /** The first documents the run skipped, and why. */
  documentErrors: Array<{ documentId: string; error: string }>;
  /** Chunks sent to the embeddings provider. */
  chunksEmbedded: number;
  /** Chunks whose stored vector was reused. */
  chunksSkipped: number;
}

/**
 * The plugin's ingestion pipeline: an ingestor's documents chunked, embedded (changed
 * chunks only) and written to the knowledge store, unchanged ones skipped, gone ones pruned.
 *
 * @public
 */
export interface TestIngestionPipeline {
  /** Runs the ingestor once; `reembed` re-embeds every document, changed or not. */
  run(
    ingestor: Ingestor,
    signal: AbortSignal,
    options?: { reembed?: boolean },
  ): Promise<IngestionRunSummary>;
}

/**
 * The knowledge store, embeddings service and ingestion pipeline wired together as the
 * plugin wires them (see {@link createKnowledgeIngestion}).
 *
 * @public
 */
export interface KnowledgeIngestion {
  /** Runs an ingestor through chunking and embeddings into the store. */
  pipeline: TestIngestionPipeline;
  /** The store the pipeline writes to; search it to measure retrieval. */
  store: TestKnowledgeStore;
  /** The embeddings service the pipeline uses; embed queries with it. */
  embeddings: TestEmbeddingsService;
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
  /** The settings to run with; the defaults of an empty config when left out. */
  settings?: KnowledgeSettings;
  logger: LoggerService;
}): KnowledgeIngestion {
  const settings =
    options.settings ?? readKnowledgeSettings(new ConfigReader({}));
  const embeddings = new EmbeddingsService(options.provider, {
    logger: options.logger,
    concurrency: settings.ingestion.embeddingConcurrency,
  });
  const store = KnowledgeStore.create({
    knex: options.knex,
    model: () => embeddings.getModel(),
    weights: settings.retrieval,
    textSearchConfig: settings.retrieval.textSearchConfig,
    indexBuild: settings.ingestion.indexBuild,
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
  // The caller's store is the pipeline's own instance, so a benchmark that swaps one of its
  // methods (e.g. finishBulkLoad) changes what the pipeline does.
  return { pipeline, store, embeddings };
}
