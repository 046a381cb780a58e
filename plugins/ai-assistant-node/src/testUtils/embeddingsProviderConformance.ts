/* eslint-disable jest/no-export -- these files are test suites that modules import and run */
import type { EmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * Options of {@link runEmbeddingsProviderConformanceTests}.
 *
 * @public
 */
export interface EmbeddingsProviderConformanceOptions {
  /** Creates the provider under test, e.g. pointed at a loopback server. */
  createProvider: () => EmbeddingsProvider | Promise<EmbeddingsProvider>;
  /** How many texts to send in one call for the batching test. Defaults to 300. */
  largeBatchSize?: number;
}

/**
 * Cosine similarity of two vectors: 1 for the same direction, 0 for unrelated.
 *
 * @public
 */
export function cosineSimilarity(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

/**
 * The behaviour the AI assistant core relies on from every embeddings provider. Call it at
 * the top level of a test file of a provider module; it defines a `describe` block.
 *
 * @public
 */
export function runEmbeddingsProviderConformanceTests(
  name: string,
  options: EmbeddingsProviderConformanceOptions,
): void {
  const largeBatchSize = options.largeBatchSize ?? 300;

  describe(`${name} embeddings provider conformance`, () => {
    let provider: EmbeddingsProvider;
    beforeAll(async () => {
      provider = await options.createProvider();
    });

    it('names itself and its model', () => {
      expect(provider.id).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
      expect(provider.model.length).toBeGreaterThan(0);
    });

    it('embeds a query as finite numbers of the declared dimension', async () => {
      const vector = await provider.embeddings.embedQuery(
        'How do I deploy a service?',
      );
      expect(vector.length).toBeGreaterThan(0);
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(vector).toHaveLength(provider.dimensions ?? vector.length);
    });

    it('returns one vector per document, in order, matching the query embedding of the same text', async () => {
      const texts = [
        'kubernetes deployment',
        'lunch menu of the cafeteria',
        'payment service API',
      ];
      const vectors = await provider.embeddings.embedDocuments(texts);
      expect(vectors).toHaveLength(texts.length);
      const dimension = vectors[0].length;
      for (const [i, text] of texts.entries()) {
        expect(vectors[i]).toHaveLength(dimension);
        const single = await provider.embeddings.embedQuery(text);
        expect(cosineSimilarity(vectors[i], single)).toBeGreaterThan(0.99);
      }
      expect(cosineSimilarity(vectors[0], vectors[1])).toBeLessThan(0.99);
    });

    it('returns no vectors for no documents', async () => {
      await expect(provider.embeddings.embedDocuments([])).resolves.toEqual([]);
    });

    it(`embeds ${largeBatchSize} documents in one call`, async () => {
      const texts = Array.from(
        { length: largeBatchSize },
        (_, i) => `document number ${i} about topic ${i % 7}`,
      );
      const vectors = await provider.embeddings.embedDocuments(texts);
      expect(vectors).toHaveLength(largeBatchSize);
      const last = await provider.embeddings.embedQuery(
        texts[largeBatchSize - 1],
      );
      expect(
        cosineSimilarity(vectors[largeBatchSize - 1], last),
      ).toBeGreaterThan(0.99);
    });
  });
}
