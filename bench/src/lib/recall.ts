import {
  nearestChunksSql,
  planVectorIndex,
  type EmbeddingModel,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';
import type { Knex } from 'knex';
import type { Figure } from '../report';

interface Hit {
  id: string;
  distance: number;
}

/** Whether the model's vector index exists and is valid (not a failed concurrent build). */
export async function indexComplete(
  knex: Knex,
  model: EmbeddingModel,
): Promise<boolean> {
  const name = planVectorIndex(model).index?.name;
  if (!name) return false;
  const { rows } = await knex.raw(
    `SELECT i.indisvalid AND i.indisready AS ok FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ?`,
    [name],
  );
  return rows.length === 1 && rows[0].ok;
}

/**
 * The model's 10 nearest chunks to `vector`: exactly (a sequential scan), or as the store's
 * vector leg finds them (nearestChunksSql, with the settings KnowledgeStore.search uses).
 */
export function top10(
  knex: Knex,
  model: EmbeddingModel,
  vector: string,
  exact: boolean,
): Promise<Hit[]> {
  const plan = planVectorIndex(model);
  const nearest = nearestChunksSql(plan, model.key, vector, 10);
  return knex.transaction(async trx => {
    if (exact) {
      await trx.raw('SET LOCAL enable_indexscan = off');
      await trx.raw('SET LOCAL enable_bitmapscan = off');
    } else {
      await trx.raw(
        `SET LOCAL hnsw.ef_search = ${Math.max(nearest.efSearch, 200)}`,
      );
      await trx.raw('SET LOCAL hnsw.iterative_scan = relaxed_order');
      await trx.raw('SET LOCAL enable_seqscan = off');
    }
    const { rows } = await trx.raw(
      exact
        ? `SELECT id, ${plan.column} <=> ?::${plan.cast} AS distance FROM embeddings WHERE embedding_model = ? ORDER BY 2 LIMIT 10`
        : nearest.sql,
      exact ? [vector, model.key] : (nearest.bindings as Knex.RawBinding[]),
    );
    return rows.map((row: { id: string; distance: number }) => ({
      id: String(row.id),
      distance: Number(row.distance),
    }));
  });
}

/**
 * Recall@10 of the store's indexed vector query against an exact scan over `queries`:
 * strict (the same ids) and with ann-benchmarks' tolerance (a hit within 1e-3 of the exact
 * tenth distance counts), for corpora with near-ties.
 */
export async function recallAt10(
  knex: Knex,
  model: EmbeddingModel,
  queries: string[],
): Promise<{ strict: number; tolerant: number }> {
  let strict = 0;
  let tolerant = 0;
  for (const vector of queries) {
    const exact = await top10(knex, model, vector, true);
    const ids = new Set(exact.map(hit => hit.id));
    const radius = exact[exact.length - 1].distance + 1e-3;
    for (const hit of await top10(knex, model, vector, false)) {
      if (ids.has(hit.id)) strict += 1;
      if (hit.distance <= radius) tolerant += 1;
    }
  }
  const total = queries.length * 10;
  return { strict: strict / total, tolerant: tolerant / total };
}

/** `count` stored vectors of the model, sampled repeatably, as query vectors. */
export async function sampleStoredVectors(
  knex: Knex,
  model: EmbeddingModel,
  count: number,
): Promise<string[]> {
  const { rows } = await knex.raw(
    `SELECT embedding::text AS v FROM embeddings TABLESAMPLE BERNOULLI (5) REPEATABLE (7) WHERE embedding_model = ? LIMIT ?`,
    [model.key, count],
  );
  return rows.map((row: { v: string }) => row.v);
}

/** The vector index after a run: complete, and its recall@10 (strict and tolerant). */
export interface IndexQuality {
  complete: boolean;
  strict: number;
  tolerant: number;
}

/**
 * Keeps the worst index quality over a benchmark's runs: `measure` after each run (the index
 * must be complete; recall over `queries` stored chunks), `figures` for the report.
 */
export class WorstIndexQuality {
  private worst: IndexQuality = { complete: true, strict: 1, tolerant: 1 };

  async measure(
    knex: Knex,
    model: EmbeddingModel,
    queries = 40,
  ): Promise<IndexQuality> {
    const run = {
      complete: await indexComplete(knex, model),
      ...(await recallAt10(
        knex,
        model,
        await sampleStoredVectors(knex, model, queries),
      )),
    };
    this.worst = {
      complete: this.worst.complete && run.complete,
      strict: Math.min(this.worst.strict, run.strict),
      tolerant: Math.min(this.worst.tolerant, run.tolerant),
    };
    return run;
  }

  /** The report's figures, named after the benchmark. */
  figures(label: string): Figure[] {
    const { complete, strict, tolerant } = this.worst;
    return [
      {
        name: `${label}: vector index complete and valid after the run`,
        value: complete ? 1 : 0,
        unit: '(1 = yes)',
        target: '1',
        met: complete,
      },
      {
        name: `${label}: recall@10 of the store's vector leg vs exact scan, same ids (worst run)`,
        value: Math.round(strict * 1000) / 1000,
        unit: '',
        target: '≥ 0.95',
        met: strict >= 0.95,
      },
      {
        name: `${label}: recall@10 vs exact scan, hits within 1e-3 of the tenth distance (ann-benchmarks, worst run)`,
        value: Math.round(tolerant * 1000) / 1000,
        unit: '',
      },
    ];
  }
}
