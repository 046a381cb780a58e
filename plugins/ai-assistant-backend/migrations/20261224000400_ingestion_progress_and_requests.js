// @ts-check

/**
 * For the cockpit's Sources view: a run's progress while it goes (what it expects to go
 * through, taken from what was stored when it started, next to its counters, which it now
 * updates as it runs), whether it re-embedded everything, and the per-source requests
 * ("run now", "re-index") that wait for the global ingestion task to pick them up, so that
 * one replica at a time ingests, whichever received the click.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ingestion_runs', table => {
    table
      .boolean('reembed')
      .notNullable()
      .defaultTo(false)
      .comment('Whether the run re-embedded every document, changed or not');
    table
      .integer('documents_expected')
      .nullable()
      .comment('Documents stored when the run started: its progress total');
    table
      .integer('chunks_expected')
      .nullable()
      .comment('Chunks stored when the run started: its progress total');
  });
  await knex.schema.createTable('ingestion_requests', table => {
    table.comment(
      'Runs of one ingestor asked for by an admin, waiting for the ingestion task',
    );
    table.text('ingestor').primary().comment('Id of the ingestor');
    table
      .boolean('reembed')
      .notNullable()
      .defaultTo(false)
      .comment('Re-embed every document, even unchanged ones');
    table
      .timestamp('requested_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingestion_requests');
  await knex.schema.alterTable('ingestion_runs', table => {
    table.dropColumn('chunks_expected');
    table.dropColumn('documents_expected');
    table.dropColumn('reembed');
  });
};
