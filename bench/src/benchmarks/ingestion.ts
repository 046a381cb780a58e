/*
 * Ingestion: chunks stored per second by the plugin's pipeline (chunking, hashing, embedding
 * through the Azure OpenAI client against an instant stub, writing to Postgres + pgvector with
 * its HNSW and full-text indexes), then a re-run over the unchanged corpus, which must embed
 * nothing and take a fraction of the time.
 */
import { GeneratedIngestor } from '../lib/corpus';
import { createBenchDatabase } from '../lib/database';
import { main, numberOption, quick, since } from '../lib/cli';
import { createBenchPipeline } from '../lib/pipeline';
import { WorstIndexQuality } from '../lib/recall';
import { median, report } from '../report';
import { startEmbeddingsStub } from '../stubs/startEmbeddingsStub';

const DIMENSIONS = 1536;
// One full run takes minutes on a small machine (the HNSW index dominates); `--runs 3` for a median.
const RUNS = numberOption('--runs') ?? 1;
// 10 paragraphs of about 400 characters each make 10 chunks per document.
const SHAPE = { documents: quick ? 300 : 5_000, paragraphs: 10 };

main(async () => {
  const stub = await startEmbeddingsStub(DIMENSIONS);
  const rates: number[] = [];
  const reruns: number[] = [];
  const rerunCalls: number[] = [];
  let chunks = 0;
  const quality = new WorstIndexQuality();
  try {
    for (let run = 0; run < RUNS; run++) {
      const db = await createBenchDatabase('ingestion');
      try {
        const { pipeline, embeddings } = createBenchPipeline(
          db.knex,
          stub.endpoint,
          DIMENSIONS,
        );
        const ingestor = new GeneratedIngestor('docs', {
          ...SHAPE,
          seed: run + 1,
        });
        const signal = new AbortController().signal;

        let start = performance.now();
        const first = await pipeline.run(ingestor, signal);
        const firstMs = since(start);
        if (first.state !== 'succeeded')
          throw new Error(`ingestion failed: ${first.error}`);
        chunks = first.chunksEmbedded;
        rates.push(chunks / (firstMs / 1000));

        await stub.reset();
        start = performance.now();
        const second = await pipeline.run(ingestor, signal);
        const secondMs = since(start);
        if (second.state !== 'succeeded')
          throw new Error(`re-ingestion failed: ${second.error}`);
        rerunCalls.push((await stub.stats()).calls);
        reruns.push(secondMs / firstMs);
        const model = await embeddings.getModel();
        const measured = await quality.measure(db.knex, model);
        console.error(
          `run ${run + 1}: recall@10 ${measured.strict} (${measured.tolerant} within 1e-3)`,
        );
        console.error(
          `run ${run + 1}: ${chunks} chunks in ${Math.round(firstMs)} ms (${Math.round(rates[run])}/s), re-run ${Math.round(secondMs)} ms`,
        );
      } finally {
        await db.drop();
      }
    }
  } finally {
    stub.close();
  }

  const rate = median(rates);
  const calls = Math.max(...rerunCalls);
  const rerun = median(reruns) * 100;
  report('ingestion', [
    {
      name: `ingestion: chunks stored per second (${chunks.toLocaleString('en-US')} chunks of ${DIMENSIONS} dims, median of ${RUNS})`,
      value: Math.round(rate),
      unit: 'chunks/s',
      target: '≥ 5,000',
      met: rate >= 5000,
    },
    ...quality.figures('ingestion'),
    {
      name: 're-ingest unchanged corpus: embedding calls (most of any run)',
      value: calls,
      unit: 'calls',
      target: '0',
      met: calls === 0,
    },
    {
      name: 're-ingest unchanged corpus: time relative to first run',
      value: Math.round(rerun * 10) / 10,
      unit: '%',
      target: '≤ 10 %',
      met: rerun <= 10,
    },
  ]);
});
