import type { EmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import type { EmbeddingModel } from './vectorIndex';

/**
 * The plugin's embeddings service: a provider's calls batched, run several at once and
 * paced down while the provider rate-limits, as ingestion and chat make them.
 *
 * @public
 */
export interface TestEmbeddingsService {
  /** The provider's model, its dimensions checked with one call on first use. */
  getModel(): Promise<EmbeddingModel>;
  /** Embeds a question as chat does. */
  embedQuery(text: string): Promise<number[]>;
  /**
   * Embeds many texts in calls of at most `batchSize`, as ingestion does; `onBatch` hears
   * of each call's texts as it completes.
   */
  embedBatches(
    texts: string[],
    options: {
      batchSize: number;
      signal?: AbortSignal;
      onBatch?: (count: number) => void | Promise<void>;
    },
  ): Promise<Float32Array[]>;
}

/**
 * Wraps an embeddings provider in the plugin's embeddings service, without a database;
 * `concurrency` is the most calls at once (the plugin's default when left out).
 *
 * @public
 */
export function createEmbeddingsService(
  provider: EmbeddingsProvider,
  options: { concurrency?: number } = {},
): TestEmbeddingsService {
  return new EmbeddingsService(provider, options);
}
