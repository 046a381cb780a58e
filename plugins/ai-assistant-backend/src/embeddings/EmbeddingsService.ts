import type { EmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { EmbeddingModel, embeddingModelKey } from '../database/vectorIndex';

/**
 * The configured embeddings provider, with its dimension known and every vector checked
 * against it, so a misbehaving provider fails loudly instead of corrupting the index.
 */
export class EmbeddingsService {
  private model?: Promise<EmbeddingModel>;

  constructor(private readonly provider: EmbeddingsProvider) {}

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
    const vectors = await this.provider.embeddings.embedDocuments(texts);
    if (vectors.length !== texts.length) {
      throw new Error(
        `Embeddings provider ${this.provider.id} (${this.provider.model}) returned ${vectors.length} vectors for ${texts.length} texts`,
      );
    }
    vectors.forEach(vector => this.check(vector, dimensions));
    return vectors;
  }

  /** Embeds a search query. */
  async embedQuery(text: string): Promise<number[]> {
    const { dimensions } = await this.getModel();
    return this.check(
      await this.provider.embeddings.embedQuery(text),
      dimensions,
    );
  }

  private async resolveModel(): Promise<EmbeddingModel> {
    const dimensions =
      this.provider.dimensions ??
      (await this.provider.embeddings.embedQuery('dimension probe')).length;
    return {
      key: embeddingModelKey(this.provider.id, this.provider.model, dimensions),
      dimensions,
    };
  }

  private check(vector: number[], dimensions: number): number[] {
    if (vector.length !== dimensions || !vector.every(Number.isFinite)) {
      throw new Error(
        `Embeddings provider ${this.provider.id} (${this.provider.model}) returned an invalid vector: expected ${dimensions} finite numbers, got ${vector.length}`,
      );
    }
    return vector;
  }
}
