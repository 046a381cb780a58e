import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { EmbeddingModel, embeddingModelKey } from '../database/vectorIndex';
import {
  AiAssistantMetrics,
  noopMetrics,
  secondsSince,
} from '../metrics/AiAssistantMetrics';
import { AdaptiveConcurrency } from './AdaptiveConcurrency';

/** Default ceiling of concurrent embeddings calls during ingestion. */
export const DEFAULT_EMBEDDING_CONCURRENCY = 4;

/**
 * The configured embeddings provider, with its dimension known and every vector checked
 * against it, so a misbehaving provider fails loudly instead of corrupting the index.
 */
export class EmbeddingsService {
  private model?: Promise<EmbeddingModel>;

  private readonly metrics: AiAssistantMetrics;
  private readonly logger?: LoggerService;
  private readonly pacing: AdaptiveConcurrency;

  /**
   * `concurrency` is the most embeddings calls embedBatches makes at once (see
   * AdaptiveConcurrency: fewer while the provider rate-limits).
   */
  constructor(
    private readonly provider: EmbeddingsProvider,
    options: {
      metrics?: AiAssistantMetrics;
      logger?: LoggerService;
      concurrency?: number;
    } = {},
  ) {
    this.metrics = options.metrics ?? noopMetrics;
    this.logger = options.logger;
    this.pacing = new AdaptiveConcurrency(
      options.concurrency ?? DEFAULT_EMBEDDING_CONCURRENCY,
    );
  }

  /** The most embeddings calls embedBatches makes at once. */
  get maxConcurrency(): number {
    return this.pacing.ceiling;
  }

  /**
   * Embeds many texts in calls of at most `batchSize`, several at once at the rate the
   * provider accepts (rate-limited calls wait and are retried; see AdaptiveConcurrency).
   * `onBatch` hears of each call's texts as they complete. Vectors come back in text order,
   * as float32 (what the models return): see compactVectors.
   */
  async embedBatches(
    texts: string[],
    options: {
      batchSize: number;
      signal?: AbortSignal;
      onBatch?: (count: number) => void | Promise<void>;
    },
  ): Promise<Float32Array[]> {
    const { batchSize, signal, onBatch } = options;
    const vectors = new Array<Float32Array>(texts.length);
    const starts: number[] = [];
    for (let i = 0; i < texts.length; i += batchSize) starts.push(i);
    let failed = false;
    await Promise.all(
      starts.map(async start => {
        const slice = texts.slice(start, start + batchSize);
        const result = await this.pacing
          .run(async () => {
            // After one call failed for good, the others are not worth making.
            if (failed) throw new Error('another embeddings call failed');
            return this.embedFloat32(slice);
          }, signal)
          .catch(error => {
            failed = true;
            throw error;
          });
        result.forEach((vector, j) => {
          vectors[start + j] = vector;
        });
        await onBatch?.(slice.length);
      }),
    );
    return vectors;
  }

  /** Id of the provider, e.g. `ollama`. */
  get providerId(): string {
    return this.provider.id;
  }

  /**
   * The model and its dimension. When the provider does not declare its dimension, one probe
   * text is embedded the first time this is asked; a failed probe is retried next time.
   */
  getModel(): Promise<EmbeddingModel> {
    if (!this.model) {
      this.model = this.resolveModel();
      this.model.catch(() => {
        this.model = undefined;
      });
    }
    return this.model;
  }

  /** Embeds texts in one provider call. */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    const { dimensions } = await this.getModel();
    const vectors = await this.call('documents', () =>
      this.provider.embeddings.embedDocuments(texts),
    );
    this.checkAll(vectors, texts.length, dimensions);
    return vectors;
  }

  /**
   * Embeds texts in one provider call as float32 vectors: the provider's own float32 path
   * when it has one, else its numbers compacted (see compactVectors).
   */
  private async embedFloat32(texts: string[]): Promise<Float32Array[]> {
    const embedFloat32 = this.provider.embedDocumentsFloat32?.bind(
      this.provider,
    );
    if (!embedFloat32) return compactVectors(await this.embedDocuments(texts));
    const { dimensions } = await this.getModel();
    const vectors = await this.call('documents', () => embedFloat32(texts));
    this.checkAll(vectors, texts.length, dimensions);
    return vectors;
  }

  /** Embeds a search query. */
  async embedQuery(text: string): Promise<number[]> {
    const { dimensions } = await this.getModel();
    return this.check(
      await this.call('query', () => this.provider.embeddings.embedQuery(text)),
      dimensions,
    );
  }

  // Times every provider call, and counts and logs failures. Provider errors name the
  // provider and what to fix; the log carries only the message, never request options,
  // which may hold the API key.
  private async call<T>(
    operation: 'documents' | 'query',
    fn: () => Promise<T>,
  ): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } catch (error) {
      this.metrics.providerError('embeddings', this.provider.id);
      this.logger?.warn('AI assistant embeddings provider call failed', {
        provider: this.provider.id,
        model: this.provider.model,
        operation,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      this.metrics.embedding(this.provider.id, operation, secondsSince(start));
    }
  }

  private async resolveModel(): Promise<EmbeddingModel> {
    const dimensions =
      this.provider.dimensions ??
      (
        await this.call('query', () =>
          this.provider.embeddings.embedQuery('dimension probe'),
        )
      ).length;
    return {
      key: embeddingModelKey(this.provider.id, this.provider.model, dimensions),
      dimensions,
    };
  }

  private checkAll(
    vectors: ReadonlyArray<ArrayLike<number>>,
    count: number,
    dimensions: number,
  ): void {
    if (vectors.length !== count) {
      throw new Error(
        `Embeddings provider ${this.provider.id} (${this.provider.model}) returned ${vectors.length} vectors for ${count} texts`,
      );
    }
    for (const vector of vectors) this.check(vector, dimensions);
  }

  private check<T extends ArrayLike<number>>(vector: T, dimensions: number): T {
    if (vector.length !== dimensions || !allFinite(vector)) {
      throw new Error(
        `Embeddings provider ${this.provider.id} (${this.provider.model}) returned an invalid vector: expected ${dimensions} finite numbers, got ${vector.length}`,
      );
    }
    return vector;
  }
}

/**
 * Whether every component is a finite number. `x - x` is 0 for finite numbers and NaN for
 * NaN and ±Infinity; `Number.isFinite` (or `every`) would box each component on the heap,
 * 24 KB of garbage per 1,536-dimension vector.
 */
function allFinite(vector: ArrayLike<unknown>): boolean {
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (typeof x !== 'number' || x - x !== 0) return false;
  }
  return true;
}

/**
 * The vectors of one call copied into one float32 buffer, one view each. A provider's
 * `number[]` takes 8 bytes a component on the JS heap and, held until its chunk is written,
 * outlives the young generation: 12 KB of old-space garbage per 1,536-dimension chunk, which
 * the heap grows to hold. Copied at once, the arrays die young; the float32 copy is half the
 * size, off the heap, and one allocation per call. Embedding models return float32, so no
 * precision is lost.
 */
export function compactVectors(
  vectors: ReadonlyArray<ArrayLike<number>>,
): Float32Array[] {
  const dimensions = vectors[0]?.length ?? 0;
  const buffer = new Float32Array(vectors.length * dimensions);
  return vectors.map((vector, i) => {
    const view = buffer.subarray(i * dimensions, (i + 1) * dimensions);
    view.set(vector);
    return view;
  });
}
