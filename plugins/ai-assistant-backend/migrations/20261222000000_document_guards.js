// @ts-check

/**
 * Every entity that guards a document when more than one does, e.g. a repository that
 * several of its own catalog entities annotate: retrieval uses the document's chunks only for
 * users who may read all of them (docs/permissions.md). NULL when `entity_ref` alone guards
 * it. Kept on each chunk too, like `entity_ref`, so both legs of a search can filter on it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const table of ['documents', 'embeddings']) {
    await knex.schema.alterTable(table, t => {
      t.specificType('entity_refs', 'text[]')
        .nullable()
        .comment(
          'All entities guarding the row when more than one does; a reader needs every one',
        );
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of ['embeddings', 'documents']) {
    await knex.schema.alterTable(table, t => {
      t.dropColumn('entity_refs');
    });
  }
};
