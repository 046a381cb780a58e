import winkNLP, { type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { WordVectors } from './wordVectors';

// Smooth inverse frequency: a word of probability p weighs SIF_A / (SIF_A + p), so "the"
// counts about 0.001 and rare words about 1. 1e-4 ranked best on a small retrieval set of
// paraphrased engineering questions; 1e-3 (the paper's default) and plain means did worse.
const SIF_A = 1e-4;

// wink-nlp token types that carry no meaning worth embedding.
const SKIPPED_TYPES = new Set([
  'punctuation',
  'symbol',
  'tabCRLF',
  'emoticon',
  'emoji',
]);

/**
 * Turns text into a sentence vector, after Arora et al., "A Simple but Tough-to-Beat
 * Baseline for Sentence Embeddings" (2017): a SIF-weighted sum of the word vectors of its
 * tokens, minus its projection on the corpus' common direction, L2-normalised. Frequent
 * words, stop words above all, count almost nothing; rare, specific words count fully.
 *
 * Word frequencies come from the frequency ranks stored with the vectors (Zipf's law), so
 * nothing is fitted to the texts being embedded and every text's vector is independent of
 * the others.
 */
export class SentenceEncoder {
  readonly #vectors: WordVectors;
  readonly #nlp: WinkMethods;
  readonly #weights: Float32Array;
  readonly #common: Float64Array;

  /** Builds an encoder over the word vectors with wink-nlp's English tokenizer. */
  static create(vectors: WordVectors): SentenceEncoder {
    return new SentenceEncoder(vectors, winkNLP(model, []));
  }

  private constructor(vectors: WordVectors, nlp: WinkMethods) {
    this.#vectors = vectors;
    this.#nlp = nlp;
    const { size, dimensions, matrix, ranks } = vectors;
    // Zipf's law: the word of rank r has probability 1 / ((r + 1) * H(size)).
    const harmonic = Math.log(size) + 0.5772;
    this.#weights = new Float32Array(size);
    // The expected vector of a random token of running text; every sentence vector shares
    // it, so it is removed to make unrelated texts score near zero.
    const common = new Float64Array(dimensions);
    for (let row = 0; row < size; row++) {
      const p = 1 / ((ranks[row] + 1) * harmonic);
      this.#weights[row] = SIF_A / (SIF_A + p);
      const offset = row * dimensions;
      for (let j = 0; j < dimensions; j++) common[j] += p * matrix[offset + j];
    }
    this.#common = normalise(common) ?? common;
  }

  /** The unit-length vector of a text. Never zero, so cosine similarity is always defined. */
  encode(text: string): number[] {
    const { its } = this.#nlp;
    const tokens = this.#nlp.readDoc(text).tokens();
    const values = tokens.out(its.value) as string[];
    const types = tokens.out(its.type) as string[];

    const sum = new Float64Array(this.#vectors.dimensions);
    const unknown: string[] = [];
    for (let i = 0; i < values.length; i++) {
      if (SKIPPED_TYPES.has(types[i])) continue;
      if (this.#add(sum, values[i].toLowerCase(), 1)) continue;
      // Identifiers such as `paymentService` or `order_events` are unknown as a whole
      // but their parts are not.
      const parts = splitIdentifier(values[i]);
      let known = 0;
      for (const part of parts) {
        if (this.#add(sum, part, 1 / parts.length)) known++;
      }
      if (known === 0) unknown.push(values[i].toLowerCase());
    }
    this.#removeCommon(sum);
    const vector = normalise(sum);
    if (vector) return Array.from(vector);

    // Nothing with a vector: give each unknown word a stable pseudo-random direction, so
    // that such texts still differ from each other and match themselves.
    for (const word of unknown) addHashedDirection(sum, word);
    return Array.from(normalise(sum) ?? fallback(sum.length));
  }

  #add(sum: Float64Array, word: string, factor: number): boolean {
    const row = this.#vectors.rowOf(word);
    if (row === undefined) return false;
    const { dimensions, matrix } = this.#vectors;
    const weight = this.#weights[row] * factor;
    const offset = row * dimensions;
    for (let j = 0; j < dimensions; j++) sum[j] += weight * matrix[offset + j];
    return true;
  }

  #removeCommon(sum: Float64Array) {
    let dot = 0;
    for (let j = 0; j < sum.length; j++) dot += sum[j] * this.#common[j];
    for (let j = 0; j < sum.length; j++) sum[j] -= dot * this.#common[j];
  }
}

/** Scales a vector to unit length in place; undefined when it is (nearly) zero. */
function normalise(v: Float64Array): Float64Array | undefined {
  let norm = 0;
  for (let j = 0; j < v.length; j++) norm += v[j] * v[j];
  norm = Math.sqrt(norm);
  if (!(norm > 1e-9) || !Number.isFinite(norm)) return undefined;
  for (let j = 0; j < v.length; j++) v[j] /= norm;
  return v;
}

/** The vector of a text without words: fixed, unit length, not zero. */
function fallback(dimensions: number): Float64Array {
  return new Float64Array(dimensions).fill(1 / Math.sqrt(dimensions));
}

function splitIdentifier(token: string): string[] {
  return token
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(part => part.length > 1);
}

/** Adds a unit vector seeded by the word (FNV-1a hash into a mulberry32 generator). */
function addHashedDirection(sum: Float64Array, word: string) {
  let seed = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    seed = Math.imul(seed ^ word.charCodeAt(i), 0x01000193);
  }
  // Uniform values in [-1, 1) have variance 1/3; this scale makes the norm about 1.
  const scale = 1 / Math.sqrt(sum.length / 3);
  for (let j = 0; j < sum.length; j++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const uniform = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    sum[j] += (uniform * 2 - 1) * scale;
  }
}
