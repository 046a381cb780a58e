// @ts-check

/**
 * Lets a bulk load (a source's first ingestion, a model change) count its chunks' terms for
 * the keyword index in a few large steps instead of once per written batch: every batch of a
 * large vocabulary updated thousands of `keyword_terms` rows, the two writers waited on each
 * other's row locks, and that was a quarter of the load. A document's chunks are in the
 * counts when `terms_counted` is true; the store counts the others later (see
 * KnowledgeWriter.countDeferredTerms), also after a crash in the middle of a load.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('documents', table => {
    table.boolean('terms_counted').notNullable().defaultTo(true);
  });
  // Finds the few documents still to count without reading a source's other documents.
  await knex.raw(
    'CREATE INDEX documents_terms_pending ON documents (source) WHERE NOT terms_counted',
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX IF EXISTS documents_terms_pending');
  await knex.schema.alterTable('documents', table => {
    table.dropColumn('terms_counted');
  });
};
