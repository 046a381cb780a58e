// @ts-check

/**
 * What an answer's retrieval was asked, so an admin can replay it in the retrieval test
 * ("why this answer?"): the question as retrieval got it, the entity it was about and the
 * embeddings model of the time. One row per assistant message; it goes with its message
 * (and so with conversation deletion and retention).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('message_retrieval', table => {
    table.comment(
      'The retrieval input of each assistant message, for replaying it in the retrieval test',
    );
    table
      .uuid('message_id')
      .primary()
      .references('id')
      .inTable('conversation')
      .onDelete('CASCADE');
    table.text('question').notNullable().comment('The text retrieval searched');
    table
      .text('entity_ref')
      .nullable()
      .comment('The catalog entity the question was about, if any');
    table
      .text('embedding_model')
      .notNullable()
      .comment('Key of the embeddings model that embedded the question');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('message_retrieval');
};
