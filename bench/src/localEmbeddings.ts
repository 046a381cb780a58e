/*
 * Throughput of the zero-setup local embeddings provider: short chunks embedded per second,
 * after the word vectors are loaded. Target: at least 1,000 per second.
 */
import { LocalEmbeddings } from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-local';
import { median, report } from './report';

const SUBJECTS = [
  'payments service',
  'kubernetes cluster',
  'release pipeline',
  'on-call rota',
  'catalog entity',
  'database migration',
];
const VERBS = [
  'deploys',
  'owns',
  'documents',
  'monitors',
  'rolls back',
  'depends on',
];

function chunks(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const a = SUBJECTS[i % SUBJECTS.length];
    const b = SUBJECTS[(i * 7 + 3) % SUBJECTS.length];
    return `The ${a} ${VERBS[i % VERBS.length]} the ${b} of team ${i % 17}, see runbook ${i}.`;
  });
}

async function main() {
  const embeddings = new LocalEmbeddings();
  const loadStart = performance.now();
  await embeddings.embedQuery('warm up');
  const loadMs = performance.now() - loadStart;

  const texts = chunks(20_000);
  const rates: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    const vectors = await embeddings.embedDocuments(texts);
    const seconds = (performance.now() - start) / 1000;
    if (vectors.length !== texts.length)
      throw new Error('wrong number of vectors');
    rates.push(texts.length / seconds);
  }
  const rate = median(rates);
  report('local-embeddings', [
    {
      name: 'short chunks embedded per second (median of 5 runs of 20,000)',
      value: Math.round(rate),
      unit: 'chunks/s',
      target: '≥ 1,000',
      met: rate >= 1000,
    },
    {
      name: 'first call (loads the word vectors)',
      value: Math.round(loadMs),
      unit: 'ms',
    },
    {
      name: 'resident memory after loading',
      value: Math.round(process.memoryUsage().rss / 2 ** 20),
      unit: 'MiB',
    },
  ]);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
