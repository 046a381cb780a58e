// @ts-check

/**
 * Documents a run skipped because they could not be read, were refused or could not be
 * stored: how many, and the first of them with their errors (capped by the run store), so
 * admins see them in `GET /ingestion` while the run itself succeeds and still prunes.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ingestion_runs', table => {
    table
      .integer('documents_failed')
      .notNullable()
      .defaultTo(0)
      .comment('Documents skipped because of an error of their own');
    table
      .jsonb('document_errors')
      .notNullable()
      .defaultTo('[]')
      .comment('The first failed documents: [{ documentId, error }]');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ingestion_runs', table => {
    table.dropColumn('document_errors');
    table.dropColumn('documents_failed');
  });
};
