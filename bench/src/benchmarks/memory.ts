/*
 * Memory: peak resident memory of a process running the plugin's ingestion pipeline over a
 * 200 MB corpus (documents of about 46 KB, and every 1,000th one of about 1 MB, as a huge
 * generated page). Documents stream from the ingestor, so memory should stay flat whatever
 * the corpus size.
 */
import { GeneratedIngestor } from '../lib/corpus';
import { createBenchDatabase } from '../lib/database';
import { main, quick, since } from '../lib/cli';
import { createBenchPipeline } from '../lib/pipeline';
import { report } from '../report';
import { startEmbeddingsStub } from '../stubs/startEmbeddingsStub';

const DIMENSIONS = 1536;
const SHAPE = {
  documents: quick ? 450 : 4_300,
  paragraphs: 100,
  wordsPerParagraph: 72,
  largeEvery: quick ? 150 : 1000,
  largeParagraphs: 2_000,
};

main(async () => {
  const stub = await startEmbeddingsStub(DIMENSIONS);
  const db = await createBenchDatabase('memory');
  try {
    const { pipeline, store } = createBenchPipeline(
      db.knex,
      stub.endpoint,
      DIMENSIONS,
    );
    // This measures the Node process. Postgres maintaining the HNSW index of 1,536-dimension
    // vectors would stretch the run to half an hour without changing what Node holds, so
    // the index the store creates is dropped again (the store does not recreate it).
    await store.prepareModel();
    const { rows } = await db.knex.raw(
      `SELECT indexname FROM pg_indexes WHERE indexname LIKE 'embeddings_hnsw_%'`,
    );
    for (const { indexname } of rows)
      await db.knex.raw('DROP INDEX ??', [indexname]);
    // A first ingestion is a bulk load: the store builds the index when the run ends, which is
    // Postgres's work over every chunk (the corpus and scale benchmarks time it), not Node's
    // memory; here it would only stretch the run.
    store.finishBulkLoad = async () => false;

    const ingestor = new GeneratedIngestor('docs', SHAPE);
    const before = process.memoryUsage().rss / 2 ** 20;
    const start = performance.now();
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
      peakHeap = Math.max(peakHeap, heapUsed);
      if (process.env.BENCH_TRACE) {
        const mib = (n: number) => Math.round(n / 2 ** 20);
        console.error(
          `${ingestor.characters} chars: rss ${mib(rss)} heap ${mib(heapUsed)} external ${mib(external)} buffers ${mib(arrayBuffers)}`,
        );
      }
    }, 1000);
    const run = await pipeline.run(ingestor, new AbortController().signal);
    clearInterval(sampler);
    const ms = since(start);
    if (run.state !== 'succeeded')
      throw new Error(`ingestion failed: ${run.error}`);
    const peak = process.resourceUsage().maxRSS / 1024;
    const corpusMB = ingestor.characters / 1e6;
    console.error(
      `${run.chunksEmbedded} chunks, ${corpusMB.toFixed(0)} MB in ${Math.round(ms)} ms`,
    );
    report('memory', [
      {
        name: `memory: peak RSS ingesting a ${corpusMB.toFixed(0)} MB corpus (${run.chunksEmbedded.toLocaleString('en-US')} chunks)`,
        value: Math.round(peak),
        unit: 'MiB',
        target: '< 300 MiB',
        met: peak < 300,
      },
      {
        name: 'memory: peak JS heap while ingesting (sampled each second)',
        value: Math.round(peakHeap / 2 ** 20),
        unit: 'MiB',
      },
      {
        name: 'memory: RSS before ingesting (modules loaded)',
        value: Math.round(before),
        unit: 'MiB',
      },
      {
        name: 'memory: ingestion rate without the HNSW index',
        value: Math.round(run.chunksEmbedded / (ms / 1000)),
        unit: 'chunks/s',
      },
    ]);
  } finally {
    stub.close();
    await db.drop();
  }
});
