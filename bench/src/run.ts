/*
 * Runs the benchmarks, each in its own process (so memory figures are the benchmark's own),
 * then merges their figures into results/benchmarks.md and results/benchmarks.json.
 *
 *   yarn bench                    every benchmark at full scale (about 15 minutes)
 *   yarn bench --quick            every benchmark at a small scale, as a smoke test
 *   yarn bench search chat        only these (the merged table keeps the others' latest)
 *   yarn bench ingestion --runs 3 the median of three ingestion runs
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BENCH_SRC } from './lib/paths';
import { combineReports } from './report';

const BENCHMARKS: Record<string, string> = {
  ingestion: 'benchmarks/ingestion.ts',
  corpus: 'benchmarks/corpus.ts',
  pacing: 'benchmarks/pacing.ts',
  scale: 'benchmarks/scale.ts',
  search: 'benchmarks/search.ts',
  chat: 'benchmarks/chat.ts',
  'chat-load': 'benchmarks/chatLoad.ts',
  memory: 'benchmarks/memory.ts',
  'local-embeddings': 'localEmbeddings.ts',
  streaming: 'benchmarks/streaming.ts',
};
// The local embeddings provider is its own concern, and the browser benchmark needs Chromium
// and the built app, and the million-chunk scale run takes hours on a small machine: they run
// only when named.
const DEFAULT = [
  'ingestion',
  'corpus',
  'pacing',
  'search',
  'chat',
  'chat-load',
  'memory',
];

const args = process.argv.slice(2);
// Flags, with the values of `--runs N`, `--documents N` and `--chunks N`, go to every benchmark.
const VALUED = ['--runs', '--documents', '--chunks'];
const flags = args.filter(
  (arg, i) => arg.startsWith('--') || VALUED.includes(args[i - 1]),
);
const named = args.filter(arg => !flags.includes(arg));
const unknown = named.filter(name => !BENCHMARKS[name]);
if (unknown.length) {
  console.error(
    `Unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`,
  );
  process.exit(2);
}

const failed: string[] = [];
for (const name of named.length ? named : DEFAULT) {
  console.error(`\n== ${name} ==`);
  const started = Date.now();
  const { status } = spawnSync(
    process.execPath,
    [...process.execArgv, path.join(BENCH_SRC, BENCHMARKS[name]), ...flags],
    { stdio: 'inherit' },
  );
  console.error(
    `== ${name}: ${status === 0 ? 'done' : `FAILED (${status})`} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  if (status !== 0) failed.push(name);
}

console.log(`\n${combineReports(Object.keys(BENCHMARKS))}`);
if (failed.length) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
