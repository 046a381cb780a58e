// @ts-check

/**
 * The keyword leg ranks like a search engine (BM25-style weighting): rare terms dominate,
 * terms that most chunks contain barely count. For that it needs each term's document
 * frequency, kept current by ingestion in `keyword_terms`, and a `tsv` that the store writes
 * itself (title, heading path and text, in the configured text-search language)
 * instead of a column generated from the text alone in a fixed language.
 *
 * The row of the empty lexeme counts all chunks: every chunk "contains" it, and no real
 * lexeme is empty.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw('DROP INDEX IF EXISTS embeddings_tsv_idx');
  await knex.raw('ALTER TABLE embeddings DROP COLUMN tsv');
  await knex.raw(
    `ALTER TABLE embeddings ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector`,
  );
  // Until the next ingestion run re-chunks every document (the chunker's version changed),
  // existing chunks stay searchable by their text.
  await knex.raw(`UPDATE embeddings SET tsv = to_tsvector('english', content)`);
  await knex.raw(
    'CREATE INDEX embeddings_tsv_idx ON embeddings USING gin (tsv)',
  );

  await knex.schema.createTable('keyword_terms', table => {
    table.comment(
      'Document frequency of each lexeme of embeddings.tsv, for keyword ranking; the empty lexeme counts all chunks',
    );
    table.text('lexeme').primary();
    table
      .integer('chunks')
      .notNullable()
      .comment('Chunks whose tsv has the lexeme');
  });
  await knex.raw(
    `INSERT INTO keyword_terms (lexeme, chunks)
       SELECT u.lexeme, count(*) FROM embeddings e, unnest(e.tsv) u GROUP BY u.lexeme
       UNION ALL SELECT '', count(*) FROM embeddings`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('keyword_terms');
  await knex.raw('DROP INDEX IF EXISTS embeddings_tsv_idx');
  await knex.raw('ALTER TABLE embeddings DROP COLUMN tsv');
  await knex.raw(
    `ALTER TABLE embeddings ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED`,
  );
  await knex.raw(
    'CREATE INDEX embeddings_tsv_idx ON embeddings USING gin (tsv)',
  );
};
