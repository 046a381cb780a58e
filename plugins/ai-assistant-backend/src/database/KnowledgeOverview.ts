import type { Knex } from 'knex';
import type { DocumentRow } from './knowledgeRows';
import type { RecentDocument, SourceDetails } from './knowledgeTypes';

/**
 * What is stored, per ingestor: counts, models and freshness for the ingestion status, and
 * the latest documents for example questions. Reads `documents` only (one row per document).
 */
export class KnowledgeOverview {
  constructor(private readonly knex: Knex) {}

  /**
   * The most recently ingested documents, at most `perSource` of each ingestor, with the
   * entities that guard them, for example questions; the caller filters by permission.
   */
  async recentDocuments(perSource: number): Promise<RecentDocument[]> {
    const { rows } = await this.knex.raw<{
      rows: Array<
        Pick<
          DocumentRow,
          'source' | 'document_id' | 'title' | 'entity_ref' | 'entity_refs'
        >
      >;
    }>(
      `SELECT source, document_id, title, entity_ref, entity_refs FROM (
         SELECT d.*, row_number() OVER (PARTITION BY source ORDER BY ingested_at DESC, document_id) AS nth
         FROM documents d
       ) recent
       WHERE nth <= ?
       ORDER BY nth, source`,
      [perSource],
    );
    return rows.map(row => ({
      source: row.source,
      documentId: row.document_id,
      title: row.title,
      entityRef: row.entity_ref ?? undefined,
      entityRefs: row.entity_refs ?? undefined,
    }));
  }

  /** Counts stored documents and chunks, per ingestor. */
  async countBySource(): Promise<
    Map<string, { documents: number; chunks: number }>
  > {
    const { rows } = await this.knex.raw<{
      rows: Array<{ source: string; documents: string; chunks: string }>;
    }>(
      'SELECT source, count(*) AS documents, coalesce(sum(chunk_count), 0) AS chunks FROM documents GROUP BY source',
    );
    return new Map(
      rows.map(row => [
        row.source,
        { documents: Number(row.documents), chunks: Number(row.chunks) },
      ]),
    );
  }

  /**
   * Per ingestor, what its stored documents were embedded with (a source part-way through a
   * model change has two), and its freshest content: the newest source update of a document
   * (when its ingestor tells) and the last time a document of it was written.
   */
  async sourceDetails(): Promise<Map<string, SourceDetails>> {
    const { rows } = await this.knex.raw<{
      rows: Array<{
        source: string;
        embedding_model: string;
        documents: string;
        chunks: string;
        newest_source_update: Date | string | null;
        last_written: Date | string | null;
      }>;
    }>(
      `SELECT source, embedding_model, count(*) AS documents, coalesce(sum(chunk_count), 0) AS chunks,
              max(source_updated_at) AS newest_source_update, max(ingested_at) AS last_written
       FROM documents GROUP BY source, embedding_model ORDER BY source, count(*) DESC, embedding_model`,
    );
    const details = new Map<string, SourceDetails>();
    const later = (a?: Date, b?: Date | string | null) => {
      const date = b ? new Date(b) : undefined;
      return !a || (date && date > a) ? (date ?? a) : a;
    };
    for (const row of rows) {
      const entry = details.get(row.source) ?? { models: [] };
      entry.models.push({
        key: row.embedding_model,
        documents: Number(row.documents),
        chunks: Number(row.chunks),
      });
      entry.newestSourceUpdate = later(
        entry.newestSourceUpdate,
        row.newest_source_update,
      );
      entry.lastWritten = later(entry.lastWritten, row.last_written);
      details.set(row.source, entry);
    }
    return details;
  }
}
