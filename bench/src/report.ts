import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_SRC } from './lib/paths';

/** One measured figure, with its target when it has one. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
}

/** The machine a benchmark ran on, for the README table. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Where every benchmark writes its figures. */
export const RESULTS_DIR = path.resolve(BENCH_SRC, '..', 'results');

/** What one benchmark wrote to `results/<benchmark>.json`. */
export interface BenchmarkResult {
  benchmark: string;
  date: string;
  machine: string;
  /** `quick` for a smoke run (`--quick`), `full` for the documented scale. */
  scale: 'quick' | 'full';
  figures: Figure[];
}

function row(f: Figure): string {
  const value =
    `${f.value.toLocaleString('en-US', { maximumFractionDigits: 3 })} ${f.unit}`.trim();
  let met = '';
  if (f.met !== undefined) met = f.met ? 'yes' : '**no**';
  return `| ${f.name} | ${value} | ${f.target ?? ''} | ${met} |`;
}

/**
 * Merges the latest result of each named benchmark into one markdown table
 * (`results/benchmarks.md`) and one JSON file (`results/benchmarks.json`), and returns the table.
 */
export function combineReports(benchmarks: string[]): string {
  const results: BenchmarkResult[] = benchmarks
    .map(name => path.join(RESULTS_DIR, `${name}.json`))
    .filter(file => existsSync(file))
    .map(file => JSON.parse(readFileSync(file, 'utf8')));
  const runs = results.map(
    r => `${r.benchmark} ${r.date}${r.scale === 'quick' ? ' (quick)' : ''}`,
  );
  const markdown = [
    `Machine: ${machine()}. Runs: ${runs.join(', ')}.`,
    '',
    '| figure | value | target | met |',
    '| --- | --- | --- | --- |',
    ...results.flatMap(r => r.figures.map(row)),
  ].join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'benchmarks.md'), `${markdown}\n`);
  writeFileSync(
    path.join(RESULTS_DIR, 'benchmarks.json'),
    JSON.stringify({ machine: machine(), results }, null, 2),
  );
  return markdown;
}

/** Prints a markdown table and writes it, with the raw figures as JSON, to bench/results/. */
export function report(benchmark: string, figures: Figure[]): void {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const scale = process.argv.includes('--quick') ? 'quick' : 'full';
  const lines = [
    `### ${benchmark} (${date}, ${machine()})`,
    '',
    '| figure | value | target | met |',
    '| --- | --- | --- | --- |',
    ...figures.map(row),
  ];
  const markdown = lines.join('\n');
  console.log(markdown);
  const dir = RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${benchmark}.md`), `${markdown}\n`);
  writeFileSync(
    path.join(dir, `${benchmark}.json`),
    JSON.stringify(
      { benchmark, date, machine: machine(), scale, figures },
      null,
      2,
    ),
  );
}
