import { gaussian, normalize, seededRandom } from './random';

/**
 * Unit vectors with the structure of text embeddings: they lie near a low-dimensional
 * subspace and cluster by topic, so nearest neighbours are meaningful and an approximate
 * index behaves as it would on real data (uniform random vectors are its worst case).
 */
export class LatentVectors {
  private readonly basis: Float32Array[];
  private readonly centers: Float32Array[];

  constructor(
    readonly dimensions: number,
    private readonly random = seededRandom(42),
    private readonly latent = 24,
    clusters = 100,
  ) {
    this.basis = Array.from({ length: latent }, () =>
      this.gaussianVector(dimensions),
    );
    this.centers = Array.from({ length: clusters }, () =>
      this.gaussianVector(latent),
    );
  }

  /** The next vector of the corpus (or a query: they are drawn alike). */
  next(): Float32Array {
    const center =
      this.centers[Math.floor(this.random() * this.centers.length)];
    const out = new Float32Array(this.dimensions);
    for (let k = 0; k < this.latent; k++) {
      const weight = center[k] + 0.6 * gaussian(this.random);
      const row = this.basis[k];
      for (let i = 0; i < this.dimensions; i++) out[i] += weight * row[i];
    }
    normalize(out);
    for (let i = 0; i < this.dimensions; i++)
      out[i] += 0.002 * gaussian(this.random);
    return normalize(out);
  }

  private gaussianVector(length: number): Float32Array {
    const vector = new Float32Array(length);
    for (let i = 0; i < length; i++) vector[i] = gaussian(this.random);
    return vector;
  }
}

// Components of unit vectors of hundreds of dimensions are small; four decimals keep the
// text form short (and quick for Postgres to parse) at a precision well below neighbour gaps.
const STEPS = 10_000;
const DECIMALS = Array.from({ length: 2 * STEPS + 1 }, (_, i) =>
  String((i - STEPS) / STEPS),
);

/** pgvector's text form of a unit vector, rounded to four decimals. */
export function vectorLiteral(vector: Float32Array): string {
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    parts[i] = DECIMALS[Math.round(vector[i] * STEPS) + STEPS];
  }
  return `[${parts.join(',')}]`;
}
