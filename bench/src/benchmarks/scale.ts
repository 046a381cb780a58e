/*
 * Scale: a million chunks (768 dimensions, clustered like text embeddings) written through
 * the store's bulk path (index deferred, binary COPY), then the HNSW index built over them;
 * reports load and index build times, the database's size, hybrid search latency and recall@10
 * of the store's vector leg against an exact scan. Also builds a full-precision HNSW index on
 * the same rows (what the store built before its sign-bit index) for its build time, size and
 * recall, to show what the quantized index saves and costs.
 * `--chunks N` sets the scale (default 1,000,000; 20,000 with --quick). Runs only when named.
 */
import {
  createKnowledgeStore,
  planVectorIndex,
  type VectorIndexPlan,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';
import type { Knex } from 'knex';
import { createBenchDatabase } from '../lib/database';
import { main, numberOption, percentile, quick, since } from '../lib/cli';
import { seededRandom, sentence } from '../lib/random';
import { recallAt10 } from '../lib/recall';
import { LatentVectors } from '../lib/vectors';
import { Figure, report } from '../report';

const DIMENSIONS = 768;
const CHUNKS = numberOption('--chunks') ?? (quick ? 20_000 : 1_000_000);
const PER_DOCUMENT = 10;
const DOCUMENTS_PER_WRITE = 100;
const WRITERS = 2;
const QUERIES = 40;
const MODEL = { key: 'bench/scale/768', dimensions: DIMENSIONS };
const COMPARE = process.argv.includes('--compare') || CHUNKS <= 200_000;

function* writes(vectors: LatentVectors) {
  const random = seededRandom(11);
  const documents = Math.ceil(CHUNKS / PER_DOCUMENT);
  for (let d = 0; d < documents; d += DOCUMENTS_PER_WRITE) {
    const batch = [];
    for (let i = d; i < Math.min(documents, d + DOCUMENTS_PER_WRITE); i++) {
      batch.push({
        document: {
          // One source per write (writeDocuments' unit), eight sources in all.
          source: `source-${(d / DOCUMENTS_PER_WRITE) % 8}`,
          documentId: `doc-${i}`,
          title: `Runbook ${i}`,
          url: `https://docs.example.com/${i}`,
          contentHash: `h${i}`,
          metadata: {},
        },
        chunks: Array.from({ length: PER_DOCUMENT }, (_, c) => ({
          content: sentence(random, 60, 20_000),
          contentHash: `h${i}.${c}`,
          embedding: vectors.next(),
        })),
      });
    }
    yield batch;
  }
}

async function sizeOf(knex: Knex, relation: string): Promise<number> {
  const { rows } = await knex.raw(`SELECT pg_total_relation_size(?) AS n`, [
    relation,
  ]);
  return Number(rows[0].n);
}

async function indexSize(knex: Knex, name: string): Promise<number> {
  const { rows } = await knex.raw(`SELECT pg_relation_size(?) AS n`, [name]);
  return Number(rows[0].n);
}

/** Recall@10 of an index on `column` (ef_search 200) against an exact scan, per query vector. */
async function recall(
  knex: Knex,
  column: string,
  cast: string,
  queries: string[],
): Promise<number> {
  const top = (vector: string, exact: boolean) =>
    knex.transaction(async trx => {
      await trx.raw(
        exact
          ? 'SET LOCAL enable_indexscan = off'
          : 'SET LOCAL hnsw.ef_search = 200',
      );
      if (!exact) await trx.raw('SET LOCAL enable_seqscan = off');
      const { rows } = await trx.raw(
        `SELECT id FROM embeddings WHERE embedding_model = ? ORDER BY ${column} <=> ?::${cast} LIMIT 10`,
        [MODEL.key, vector],
      );
      return rows.map((row: { id: string }) => String(row.id));
    });
  let found = 0;
  for (const q of queries) {
    const exact = new Set(await top(q, true));
    found += (await top(q, false)).filter((id: string) => exact.has(id)).length;
  }
  return found / (queries.length * 10);
}

/**
 * The same rows indexed at full precision, as the store did before the sign-bit index: its
 * build time, size and recall. Skipped above 200,000 chunks unless `--compare` (at a million
 * it is the largest part of the run).
 */
async function fullPrecision(
  knex: Knex,
  plan: VectorIndexPlan,
  queryVectors: string[],
): Promise<{ ms: number; bytes: number; recall: number }> {
  const start = performance.now();
  await knex.transaction(async trx => {
    // The settings the store's own build uses (see vectorIndexBuild), and room for the graph.
    await trx.raw(`SET LOCAL maintenance_work_mem = '4GB'`);
    await trx.raw(`SET LOCAL max_parallel_maintenance_workers = 2`);
    await trx.raw(
      `CREATE INDEX embeddings_full ON embeddings USING hnsw (${plan.column} vector_cosine_ops) WHERE embedding_model = '${MODEL.key}'`,
    );
  });
  const ms = since(start);
  return {
    ms,
    bytes: await indexSize(knex, 'embeddings_full'),
    recall: await recall(knex, plan.column, plan.cast, queryVectors),
  };
}

main(async () => {
  const db = await createBenchDatabase('scale', { poolMax: 6 });
  const figures: Figure[] = [];
  const label = CHUNKS.toLocaleString('en-US');
  try {
    const store = createKnowledgeStore({ knex: db.knex, model: MODEL });
    const vectors = new LatentVectors(DIMENSIONS);
    await store.prepareModel();
    if (!(await store.beginBulkLoad())) throw new Error('no bulk load');

    let start = performance.now();
    const pending = writes(vectors);
    let written = 0;
    const writer = async () => {
      for (let next = pending.next(); !next.done; next = pending.next()) {
        const batch = next.value;
        await store.writeDocuments(batch[0].document.source, batch);
        written += batch.length * PER_DOCUMENT;
        if (written % 100_000 === 0) console.error(`${written} chunks written`);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const loadMs = since(start);
    start = performance.now();
    await store.finishBulkLoad();
    const indexMs = since(start);
    await store.optimize();
    const plan = planVectorIndex(MODEL);
    console.error(
      `loaded ${written} chunks in ${Math.round(loadMs)} ms, index in ${Math.round(indexMs)} ms`,
    );

    const queryVectors = Array.from({ length: QUERIES }, () =>
      JSON.stringify(Array.from(vectors.next())),
    );
    const latencies: number[] = [];
    for (let pass = 0; pass < 3; pass++) {
      for (const [i, q] of queryVectors.entries()) {
        const t = performance.now();
        await store.search({
          text: `runbook ${i} deploy rollback`,
          vector: JSON.parse(q),
          limit: 10,
        });
        latencies.push(since(t));
      }
    }
    const vectorRecall = (await recallAt10(db.knex, MODEL, queryVectors))
      .strict;
    const tableBytes = await sizeOf(db.knex, 'embeddings');
    const hnswBytes = await indexSize(db.knex, plan.index!.name);

    const full = COMPARE
      ? await fullPrecision(db.knex, plan, queryVectors)
      : undefined;
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    figures.push(
      {
        name: `scale: chunks written through the bulk path (${label} of ${DIMENSIONS} dims)`,
        value: Math.round(written / (loadMs / 1000)),
        unit: 'chunks/s',
      },
      {
        name: `scale: time to write ${label} chunks (index deferred)`,
        value: Math.round(loadMs / 1000),
        unit: 's',
      },
      {
        name: `scale: HNSW index build after the load`,
        value: Math.round(indexMs / 1000),
        unit: 's',
      },
      {
        name: `scale: embeddings table with its indexes`,
        value: mib(tableBytes),
        unit: 'MiB',
      },
      {
        name: `scale: HNSW index (sign bits, the store's)`,
        value: mib(hnswBytes),
        unit: 'MiB',
      },
      {
        name: `scale: hybrid top-10 search latency p50`,
        value: Math.round(percentile(latencies, 50) * 10) / 10,
        unit: 'ms',
      },
      {
        name: `scale: hybrid top-10 search latency p95`,
        value: Math.round(percentile(latencies, 95) * 10) / 10,
        unit: 'ms',
      },
      {
        name: `scale: recall@10 of the store's vector leg vs exact`,
        value: Math.round(vectorRecall * 1000) / 1000,
        unit: '',
        target: '≥ 0.95',
        met: vectorRecall >= 0.95,
      },
    );
    if (full) {
      figures.push(
        {
          name: `scale: full-precision HNSW index build (for comparison)`,
          value: Math.round(full.ms / 1000),
          unit: 's',
        },
        {
          name: `scale: full-precision HNSW index`,
          value: mib(full.bytes),
          unit: 'MiB',
        },
        {
          name: `scale: recall@10 of the full-precision index vs exact`,
          value: Math.round(full.recall * 1000) / 1000,
          unit: '',
        },
      );
    }
  } finally {
    await db.drop();
  }
  report('scale', figures);
});
