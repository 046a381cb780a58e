import path from 'node:path';

/**
 * bench/src. The benchmarks run from source with tsx and are never built or bundled, so the
 * directory of this file is stable; every other path of the benchmarks derives from here.
 */
// eslint-disable-next-line no-restricted-syntax -- run from source by tsx, never built
export const BENCH_SRC = path.resolve(__dirname, '..');
