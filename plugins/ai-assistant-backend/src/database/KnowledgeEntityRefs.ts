import type { Knex } from 'knex';

/**
 * The catalog entities that own stored knowledge, read from the `documents` table. Retrieval
 * authorizes all of them at once when a user may read too few of a search's candidates.
 */
export class KnowledgeEntityRefs {
  private constructor(private readonly knex: Knex) {}

  /** Wraps an already migrated database. */
  static create(options: { knex: Knex }): KnowledgeEntityRefs {
    return new KnowledgeEntityRefs(options.knex);
  }

  /** Every distinct entity ref that guards at least one stored document. */
  async list(): Promise<string[]> {
    // documents rather than embeddings: one row per document instead of one per chunk.
    const { rows } = await this.knex.raw<{
      rows: Array<{ entity_ref: string }>;
    }>(
      `SELECT entity_ref FROM documents WHERE entity_ref IS NOT NULL
       UNION SELECT unnest(entity_refs) FROM documents WHERE entity_refs IS NOT NULL`,
    );
    return rows.map(row => row.entity_ref);
  }
}
