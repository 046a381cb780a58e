import type {
  EmbeddingsProvider,
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { Embeddings } from '@langchain/core/embeddings';
import { createHash } from 'node:crypto';

/**
 * Deterministic bag-of-words embeddings: each word adds weight to a few hashed dimensions,
 * so texts sharing words are close. Counts every call and every embedded text.
 */
export class CountingEmbeddings extends Embeddings {
  calls = 0;
  texts: string[] = [];
  /** Number of texts in each call. */
  batches: number[] = [];

  constructor(private readonly dimensions: number) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    if (texts.length > 0) {
      this.calls += 1;
      this.texts.push(...texts);
      this.batches.push(texts.length);
    }
    return texts.map(text => this.vector(text));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.vector(text);
  }

  vector(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0);
    vector[0] = 0.01;
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      const digest = createHash('md5').update(word).digest();
      for (let i = 0; i < 3; i++) {
        vector[digest.readUInt32LE(i * 4) % this.dimensions] += 1;
      }
    }
    const norm = Math.hypot(...vector);
    return vector.map(v => v / norm);
  }
}

/** An embeddings provider over {@link CountingEmbeddings}. */
export function countingEmbeddingsProvider(
  options: { id?: string; model?: string; dimensions?: number } = {},
): EmbeddingsProvider & { embeddings: CountingEmbeddings } {
  const dimensions = options.dimensions ?? 16;
  return {
    id: options.id ?? 'fake',
    model: options.model ?? 'bag-of-words',
    dimensions,
    embeddings: new CountingEmbeddings(dimensions),
  };
}

/** An ingestor that yields whatever documents the test puts in it, and can fail midway. */
export class FakeIngestor implements Ingestor {
  documents: IngestionDocument[] = [];
  /** When set, the run throws after yielding this many documents. */
  failAfter?: number;
  runs = 0;

  constructor(readonly id = 'fake') {}

  async *ingest(context: IngestorContext): AsyncIterable<IngestionDocument> {
    this.runs += 1;
    let yielded = 0;
    for (const document of this.documents) {
      context.signal.throwIfAborted();
      if (this.failAfter !== undefined && yielded >= this.failAfter) {
        throw new Error('source unavailable');
      }
      yield document;
      yielded += 1;
    }
  }
}

/**
 * A markdown document with the given id and body: public, unless `extra` gives it an entity
 * guard (every document must state one or the other).
 */
export function doc(
  id: string,
  content: string,
  extra: Partial<IngestionDocument> = {},
): IngestionDocument {
  const guarded = Boolean(extra.entityRef || extra.entityRefs);
  return {
    id,
    title: `Document ${id}`,
    url: `https://docs.example.com/${id}`,
    content,
    markdown: true,
    ...(!guarded && { public: true }),
    ...extra,
  };
}
