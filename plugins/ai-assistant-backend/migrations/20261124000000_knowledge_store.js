// @ts-check

/**
 * The knowledge store: one row per ingested document and one per chunk (`embeddings`, as the
 * deployment guide names it), the ingestion run log, and the conversations table.
 *
 * Vectors are stored in an untyped `vector` column so that models of any dimension fit; the
 * HNSW index is a partial expression index per embedding model, created at startup for the
 * configured model (see KnowledgeStore.prepareModel), because pgvector can only index a fixed
 * dimension.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('documents', table => {
    table.comment('Documents yielded by ingestors; chunks live in embeddings');
    table.text('source').notNullable().comment('Id of the ingestor');
    table
      .text('document_id')
      .notNullable()
      .comment('Id of the document within its ingestor');
    table.text('title').notNullable();
    table.text('url').notNullable();
    table
      .text('entity_ref')
      .nullable()
      .comment('Catalog entity the document belongs to');
    table
      .text('version')
      .nullable()
      .comment('Opaque source version, e.g. a git blob sha');
    table
      .text('content_hash')
      .notNullable()
      .comment('Hash of everything that shapes the chunks');
    table
      .text('embedding_model')
      .notNullable()
      .comment('Model key the chunks were embedded with');
    table.integer('chunk_count').notNullable();
    table.jsonb('metadata').notNullable().defaultTo('{}');
    table.timestamp('source_updated_at', { useTz: true }).nullable();
    table
      .timestamp('ingested_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['source', 'document_id']);
  });

  await knex.schema.createTable('embeddings', table => {
    table.comment(
      'One row per chunk of an ingested document, with its embedding',
    );
    table.bigIncrements('id').primary();
    table.text('source').notNullable();
    table.text('document_id').notNullable();
    table.integer('chunk_index').notNullable();
    table.text('content').notNullable();
    table
      .text('content_hash')
      .notNullable()
      .comment('sha256 of the chunk text');
    table.jsonb('metadata').notNullable().defaultTo('{}');
    table.text('entity_ref').nullable();
    table.specificType('embedding', 'vector').notNullable();
    table.text('embedding_model').notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .foreign(['source', 'document_id'])
      .references(['source', 'document_id'])
      .inTable('documents')
      .onDelete('CASCADE');
    table.index(['source', 'document_id'], 'embeddings_source_document_idx');
    table.index(['entity_ref'], 'embeddings_entity_ref_idx');
  });
  await knex.raw(
    `ALTER TABLE embeddings ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED`,
  );
  await knex.raw(
    'CREATE INDEX embeddings_tsv_idx ON embeddings USING gin (tsv)',
  );

  await knex.schema.createTable('ingestion_runs', table => {
    table.comment('One row per ingestion run of one ingestor');
    table.bigIncrements('id').primary();
    table.text('ingestor').notNullable();
    table.text('state').notNullable().comment('running, succeeded or failed');
    table
      .timestamp('started_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('documents').notNullable().defaultTo(0);
    table.integer('documents_unchanged').notNullable().defaultTo(0);
    table.integer('documents_pruned').notNullable().defaultTo(0);
    table.integer('chunks_embedded').notNullable().defaultTo(0);
    table.integer('chunks_skipped').notNullable().defaultTo(0);
    table.integer('chunks_pruned').notNullable().defaultTo(0);
    table.text('error').nullable();
    table.index(
      ['ingestor', 'started_at'],
      'ingestion_runs_ingestor_started_idx',
    );
  });

  await knex.schema.createTable('conversations', table => {
    table.comment('Chat conversations, one per thread of a user');
    table.uuid('id').primary();
    table.text('user_ref').notNullable();
    table.text('title').nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['user_ref', 'updated_at'], 'conversations_user_updated_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('conversations');
  await knex.schema.dropTable('ingestion_runs');
  await knex.schema.dropTable('embeddings');
  await knex.schema.dropTable('documents');
};
