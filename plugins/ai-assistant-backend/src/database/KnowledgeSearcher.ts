import type { Knex } from 'knex';
import { buildHybridSearchSql } from './hybridSearchSql';
import type { SearchRow } from './knowledgeRows';
import type {
  HybridWeights,
  KnowledgeQuery,
  KnowledgeSearchResult,
} from './knowledgeTypes';
import { searchLegsOf, type SearchTraceSink } from './searchTrace';
import type { EmbeddingModel } from './vectorIndex';
import type { VectorIndexes } from './VectorIndexes';

/** Where searches read: a read replica, with what to do when it fails a search. */
export interface SearchReplica {
  knex: Knex;
  onError: (error: unknown) => void;
}

/**
 * The retrieval side of the knowledge store: hybrid search over the current model's chunks,
 * on the read replica when there is one and on the primary when the replica fails.
 */
export class KnowledgeSearcher {
  constructor(
    private readonly knex: Knex,
    private readonly indexes: VectorIndexes,
    private readonly model: () => Promise<EmbeddingModel>,
    private readonly weights: HybridWeights,
    private readonly textSearchConfig: string,
    private readonly reader?: SearchReplica,
  ) {}

  /** Fails with a clear message when the text-search configuration does not exist. */
  async checkTextSearchConfig(): Promise<void> {
    const { rows } = await this.knex.raw(
      'SELECT 1 FROM pg_ts_config WHERE cfgname = ?',
      [this.textSearchConfig],
    );
    if (rows.length === 0) {
      const { rows: known } = await this.knex.raw<{
        rows: Array<{ cfgname: string }>;
      }>('SELECT cfgname FROM pg_ts_config ORDER BY cfgname');
      throw new Error(
        `Invalid config aiAssistant.storage.pgVector.hybrid.textSearchConfig: the database has no text search configuration '${this.textSearchConfig}'; use one of ${known.map(row => row.cfgname).join(', ')}`,
      );
    }
  }

  /**
   * Hybrid retrieval: nearest chunks by vector (HNSW, current model only) and best chunks by
   * Postgres full-text search weighed by term rarity, fused into one ranking (see
   * hybridSearchSql). With `trace`, also reports what each leg found (the retrieval test).
   */
  async search(
    query: KnowledgeQuery,
    trace?: SearchTraceSink,
  ): Promise<KnowledgeSearchResult[]> {
    const rows = await this.runSearchSql<SearchRow>(query, '', Boolean(trace));
    const results = rows.map((row): KnowledgeSearchResult => ({
      chunkId: String(row.id),
      source: row.source,
      documentId: row.document_id,
      chunkIndex: row.chunk_index,
      content: row.content,
      title: row.title,
      url: row.url,
      entityRef: row.entity_ref ?? undefined,
      entityRefs: row.entity_refs ?? undefined,
      metadata: row.metadata,
      section: row.metadata?.section,
      anchor: row.metadata?.anchor,
      score: Number(row.score),
    }));
    // Traced, the statement returns every fused candidate: the search returns the first limit.
    trace?.(searchLegsOf(query, rows, results));
    return results.slice(0, query.limit);
  }

  /**
   * The query plan of a hybrid search, as `EXPLAIN` prints it: shows whether the HNSW and
   * full-text indexes are used. For troubleshooting and tests.
   */
  async explainSearch(query: KnowledgeQuery): Promise<string> {
    const rows = await this.runSearchSql<{ 'QUERY PLAN': string }>(
      query,
      'EXPLAIN ',
    );
    return rows.map(row => row['QUERY PLAN']).join('\n');
  }

  private async runSearchSql<Row>(
    query: KnowledgeQuery,
    prefix: '' | 'EXPLAIN ',
    trace = false,
  ): Promise<Row[]> {
    const model = await this.model();
    const plan = await this.indexes.prepareModel(model);
    const { sql, bindings, efSearch } = buildHybridSearchSql(
      plan,
      model,
      query,
      this.weights,
      this.textSearchConfig,
      trace,
    );
    // Asked before the transaction: the embedded database has a single connection.
    const { iterativeScan: iterative } = await this.indexes.vectorFeatures();
    const run = (knex: Knex) =>
      this.searchTransaction<Row>(knex, `${prefix}${sql}`, bindings, {
        iterative,
        efSearch,
      });
    if (this.reader) {
      try {
        return await run(this.reader.knex);
      } catch (error) {
        this.reader.onError(error);
      }
    }
    return run(this.knex);
  }

  private searchTransaction<Row>(
    knex: Knex,
    sql: string,
    bindings: readonly Knex.RawBinding[],
    { iterative, efSearch }: { iterative: boolean; efSearch: number },
  ): Promise<Row[]> {
    const settings: Array<[string, string]> = [
      // At least 200: at 100,000 chunks of 1,536 dimensions, 40 (pgvector's default) found
      // 0.92 to 0.98 of the exact top 10 depending on the index build, 200 found 0.97 to 1
      // for about 1 ms more (bench/, search benchmark).
      ['hnsw.ef_search', String(Math.min(Math.max(efSearch, 200), 1000))],
      // Vectors live out of line (TOAST), so the heap looks small and the planner prices a
      // sequential scan + sort below the HNSW index: at 10,000 chunks of 1,536 dimensions it
      // chose an 80 ms exact scan over a 3 ms index scan. Every leg has an index to use.
      ['enable_seqscan', 'off'],
    ];
    if (iterative) {
      // Keeps filtered vector searches from coming back short when the filter is selective.
      settings.push(['hnsw.iterative_scan', 'relaxed_order']);
    }
    return knex.transaction(async trx => {
      // One statement for all settings (SET LOCAL each): a round trip each adds up per search.
      await trx.raw(
        `SELECT ${settings.map(() => 'set_config(?, ?, true)').join(', ')}`,
        settings.flat(),
      );
      return (await trx.raw<{ rows: Row[] }>(sql, bindings)).rows;
    });
  }
}
