/*
 * Search: latency of the store's hybrid top-10 search at 10,000 and 100,000 chunks, recall@10
 * of its indexed vector leg against an exact scan, and its speed against an exact sequential
 * scan. The chunks are bulk-loaded straight into the plugin's tables (this measures search,
 * not ingestion), with the keyword index's `tsv` computed as the store writes it; the store
 * then recounts the term frequencies and creates the HNSW index itself, as at startup.
 */
import {
  chunkTsv,
  createKnowledgeStore,
  embeddingModelKey,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { createBenchDatabase } from '../lib/database';
import { main, percentile, quick, since } from '../lib/cli';
import { seededRandom, sentence, word } from '../lib/random';
import { top10 } from '../lib/recall';
import { LatentVectors, vectorLiteral } from '../lib/vectors';
import { Figure, median, report } from '../report';

const DIMENSIONS = 1536;
// The store's default text-search configuration; the stores below are created with it.
const TEXT_SEARCH_CONFIG = 'english';
const SIZES =
  process.env.BENCH_SEARCH_SIZES?.split(',').map(Number) ??
  (quick ? [2_000, 10_000] : [10_000, 100_000]);
const QUERIES = quick ? 10 : 40;
const PASSES = 3;
const CHUNKS_PER_DOCUMENT = 10;
const MODEL = {
  key: embeddingModelKey('azureOpenAi', 'text-embedding-3-small', DIMENSIONS),
  dimensions: DIMENSIONS,
};

function documentTitle(document: number): string {
  return `Runbook ${document}`;
}

/**
 * Inserts `count` chunks (and their documents) in multi-row statements, each chunk's `tsv`
 * as the store writes it (its document's title and its text), so the keyword leg searches
 * what it would after ingestion.
 */
async function bulkLoad(knex: Knex, count: number, vectors: LatentVectors) {
  const random = seededRandom(count);
  const documents = Math.ceil(count / CHUNKS_PER_DOCUMENT);
  for (let d = 0; d < documents; d += 1000) {
    await knex('documents').insert(
      Array.from({ length: Math.min(1000, documents - d) }, (_, i) => ({
        source: 'docs',
        document_id: `doc-${d + i}`,
        title: documentTitle(d + i),
        url: `https://docs.example.com/runbooks/${d + i}`,
        content_hash: String(d + i),
        embedding_model: MODEL.key,
        chunk_count: CHUNKS_PER_DOCUMENT,
        metadata: '{}',
      })),
    );
  }
  for (let c = 0; c < count; c += 250) {
    const rows = Array.from({ length: Math.min(250, count - c) }, (_, i) => {
      const content = sentence(random, 50, 20_000);
      const document = Math.floor((c + i) / CHUNKS_PER_DOCUMENT);
      return {
        source: 'docs',
        document_id: `doc-${document}`,
        chunk_index: (c + i) % CHUNKS_PER_DOCUMENT,
        content,
        content_hash: createHash('sha256').update(content).digest('hex'),
        metadata: '{}',
        embedding: vectorLiteral(vectors.next()),
        embedding_model: MODEL.key,
        tsv: chunkTsv(knex, TEXT_SEARCH_CONFIG, {
          title: documentTitle(document),
          content,
        }),
      };
    });
    await knex('embeddings').insert(rows);
  }
}

/** The vector leg alone, timed without the text leg: the store's statement, or an exact scan. */
async function vectorTop10(
  knex: Knex,
  vector: string,
  exact: boolean,
): Promise<string[]> {
  return (await top10(knex, MODEL, vector, exact)).map(hit => hit.id);
}

async function measure(size: number): Promise<Figure[]> {
  // Lets the index build in memory, as a DBA would for a large first build.
  const db = await createBenchDatabase('search', {
    settings: { maintenance_work_mem: '1GB' },
  });
  const knex = db.knex;
  try {
    const vectors = new LatentVectors(DIMENSIONS);
    let start = performance.now();
    await bulkLoad(knex, size, vectors);
    console.error(`${size}: loaded in ${Math.round(since(start))} ms`);
    const store = createKnowledgeStore({
      knex,
      model: MODEL,
      textSearchConfig: TEXT_SEARCH_CONFIG,
    });
    // With the text leg weighted 0, the store's own ranking is its indexed vector leg's.
    const vectorOnly = createKnowledgeStore({
      knex,
      model: MODEL,
      textSearchConfig: TEXT_SEARCH_CONFIG,
      weights: { vectorWeight: 1, textWeight: 0 },
    });
    start = performance.now();
    // The chunks were not written through the store, so their term counts are not kept yet.
    await store.rebuildKeywordIndex();
    await store.prepareModel();
    await store.optimize();
    await knex.raw('VACUUM ANALYZE embeddings');
    console.error(`${size}: indexed in ${Math.round(since(start))} ms`);

    const random = seededRandom(size + 1);
    const queries = Array.from({ length: QUERIES }, () => {
      const vector = vectors.next();
      // Words past the 100 most common, as a question's words are once stop words are gone.
      const text = Array.from({ length: 4 }, () =>
        word(100 + Math.floor(20_000 ** random())),
      ).join(' ');
      return {
        text,
        vector: Array.from(vector),
        literal: vectorLiteral(vector),
      };
    });

    const hybrid: number[] = [];
    const indexed: number[] = [];
    const exact: number[] = [];
    let found = 0;
    for (let pass = 0; pass < PASSES; pass++) {
      for (const query of queries) {
        start = performance.now();
        const results = await store.search({
          text: query.text,
          vector: query.vector,
          limit: 10,
        });
        hybrid.push(since(start));
        if (results.length !== 10)
          throw new Error(`hybrid search returned ${results.length} results`);
        start = performance.now();
        await vectorTop10(knex, query.literal, false);
        indexed.push(since(start));
        if (pass === 0) {
          start = performance.now();
          const truth = await vectorTop10(knex, query.literal, true);
          exact.push(since(start));
          const byStore = await vectorOnly.search({
            text: query.text,
            vector: query.vector,
            limit: 10,
          });
          found += truth.filter(id =>
            byStore.some(result => result.chunkId === id),
          ).length;
        }
      }
    }
    const plan = await store.explainSearch({
      text: queries[0].text,
      vector: queries[0].vector,
      limit: 10,
    });
    // The store's own plan of the hybrid statement, for reading when a figure moves.
    if (process.env.BENCH_EXPLAIN) {
      console.error(
        plan
          .split('\n')
          .map(line => line.slice(0, 160))
          .join('\n'),
      );
    }
    if (!plan.includes('embeddings_hnsw_')) {
      throw new Error(
        `hybrid search does not use the HNSW index at ${size} chunks`,
      );
    }
    if (!plan.includes('embeddings_tsv_idx')) {
      throw new Error(
        `hybrid search does not use the keyword (GIN) index at ${size} chunks`,
      );
    }

    const recall = found / (QUERIES * 10);
    const label = size.toLocaleString('en-US');
    const speedup = median(exact) / median(hybrid);
    const large = size === SIZES[SIZES.length - 1];
    const hybridP50 = percentile(hybrid, 50);
    const figures: Figure[] = [
      {
        name: `search at ${label} chunks: hybrid top-10 latency p50`,
        value: round(hybridP50),
        unit: 'ms',
        ...(large ? { target: '≤ 15 ms', met: hybridP50 <= 15 } : {}),
      },
      {
        name: `search at ${label} chunks: hybrid top-10 latency p95`,
        value: round(percentile(hybrid, 95)),
        unit: 'ms',
      },
      {
        name: `search at ${label} chunks: recall@10 of the indexed vector query vs exact scan`,
        value: round(recall, 3),
        unit: '',
        target: '≥ 0.95',
        met: recall >= 0.95,
      },
      {
        name: `search at ${label} chunks: exact sequential scan latency p50`,
        value: round(median(exact)),
        unit: 'ms',
      },
      {
        name: `search at ${label} chunks: indexed vector query latency p50`,
        value: round(median(indexed)),
        unit: 'ms',
      },
    ];
    const indexedSpeedup = median(exact) / median(indexed);
    figures.push(
      {
        name: `search at ${label} chunks: speed-up of the indexed vector query vs exact scan (p50)`,
        value: round(indexedSpeedup, 1),
        unit: '×',
        ...(large ? { target: '≥ 20×', met: indexedSpeedup >= 20 } : {}),
      },
      {
        name: `search at ${label} chunks: speed-up of the whole hybrid search vs exact scan (p50)`,
        value: round(speedup, 1),
        unit: '×',
      },
    );
    return figures;
  } finally {
    await db.drop();
  }
}

function round(value: number, digits = 1): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

main(async () => {
  const figures: Figure[] = [];
  for (const size of SIZES) {
    figures.push(...(await measure(size)));
  }
  report('search', figures);
});
