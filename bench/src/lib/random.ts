/** A small seeded PRNG (mulberry32), so every run generates the same corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box–Muller). */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Scales a vector to unit length in place. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  const scale = 1 / Math.sqrt(sum || 1);
  for (let i = 0; i < vector.length; i++) vector[i] *= scale;
  return vector;
}

/** The 32-bit FNV-1a hash of a text. */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const WORD_SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'ti',
  'vo',
  'ze',
  'pa',
  'qui',
  'dor',
];

/** A pronounceable made-up word for a number, so full-text search has a real vocabulary. */
export function word(n: number): string {
  let out = '';
  let rest = n + 1;
  while (rest > 0) {
    out += WORD_SYLLABLES[rest % WORD_SYLLABLES.length];
    rest = Math.floor(rest / WORD_SYLLABLES.length);
  }
  return out;
}

/**
 * A sentence of made-up words drawn with a Zipf-like skew, as natural text has a few common
 * and many rare words.
 */
export function sentence(
  random: () => number,
  words: number,
  vocabulary: number,
): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    out.push(word(Math.floor(vocabulary ** random()) - 1));
  }
  return `${out.join(' ')}.`;
}
