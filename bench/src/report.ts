import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

/** Prints a markdown table and writes it, with the raw figures as JSON, to bench/results/. */
export function report(benchmark: string, figures: Figure[]): void {
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `### ${benchmark} (${date}, ${machine()})`,
    '',
    '| figure | value | target | met |',
    '| --- | --- | --- | --- |',
    ...figures.map(
      f =>
        `| ${f.name} | ${f.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${f.unit} | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'yes' : 'no'} |`,
    ),
  ];
  const markdown = lines.join('\n');
  console.log(markdown);
  const dir = path.resolve(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${benchmark}.md`), `${markdown}\n`);
  writeFileSync(
    path.join(dir, `${benchmark}.json`),
    JSON.stringify({ benchmark, date, machine: machine(), figures }, null, 2),
  );
}
