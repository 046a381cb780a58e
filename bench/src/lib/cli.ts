/** Whether the benchmark runs at its small smoke-test scale (`--quick`). */
export const quick = process.argv.includes('--quick');

/** Runs a benchmark's main function, exiting non-zero with the error when it fails. */
export function main(run: () => Promise<void>): void {
  run().then(
    () => process.exit(0),
    error => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** Milliseconds since an earlier `performance.now()`. */
export function since(start: number): number {
  return performance.now() - start;
}

/** The value below which `p` percent of the sorted values fall (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** The number after a flag such as `--runs 3`, if given. */
export function numberOption(flag: string): number | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}
