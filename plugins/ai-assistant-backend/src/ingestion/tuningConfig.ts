import type { Config } from '@backstage/config';
import { DEFAULT_EMBEDDING_CONCURRENCY } from '../embeddings/EmbeddingsService';
import {
  DEFAULT_INDEX_BUILD,
  IndexBuildSettings,
  MEMORY_SIZE,
} from '../database/vectorIndexBuild';

/** How fast ingestion may go: provider calls at once and the vector index's bulk builds. */
export interface IngestionTuning {
  /** `ingestion.embeddingConcurrency`: the most embeddings calls at once. */
  embeddingConcurrency: number;
  /** `ingestion.indexBuild.*`: settings of the index build after a bulk load. */
  indexBuild: IndexBuildSettings;
}

/** Reads the ingestion tuning keys of the `aiAssistant` config, failing clearly on bad values. */
export function readIngestionTuning(config: Config): IngestionTuning {
  const concurrency =
    config.getOptionalNumber('ingestion.embeddingConcurrency') ??
    DEFAULT_EMBEDDING_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new Error(
      `Invalid config aiAssistant.ingestion.embeddingConcurrency: expected an integer from 1 to 64, got ${concurrency}`,
    );
  }
  const memory =
    config.getOptionalString('ingestion.indexBuild.maintenanceWorkMem') ??
    DEFAULT_INDEX_BUILD.maintenanceWorkMem;
  if (!MEMORY_SIZE.test(memory)) {
    throw new Error(
      `Invalid config aiAssistant.ingestion.indexBuild.maintenanceWorkMem: expected a Postgres memory size such as 512MB or 2GB, got ${memory}`,
    );
  }
  const workers =
    config.getOptionalNumber('ingestion.indexBuild.parallelWorkers') ??
    DEFAULT_INDEX_BUILD.parallelWorkers;
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
    throw new Error(
      `Invalid config aiAssistant.ingestion.indexBuild.parallelWorkers: expected an integer from 0 to 64, got ${workers}`,
    );
  }
  return {
    embeddingConcurrency: concurrency,
    indexBuild: { maintenanceWorkMem: memory, parallelWorkers: workers },
  };
}
