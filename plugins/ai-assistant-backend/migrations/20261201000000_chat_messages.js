// @ts-check

/**
 * Chat messages and their feedback. The messages table is called `conversation` (one row per
 * message of a conversation) because the deployment guide's maintenance SQL vacuums a table of
 * that name next to `conversations`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('conversation', table => {
    table.comment('Chat messages, one row per message of a conversation');
    table.uuid('id').primary();
    table
      .uuid('conversation_id')
      .notNullable()
      .references('id')
      .inTable('conversations')
      .onDelete('CASCADE');
    table.text('role').notNullable().comment('user or assistant');
    table.text('content').notNullable();
    table
      .text('status')
      .notNullable()
      .defaultTo('complete')
      .comment('complete, aborted or error');
    table.text('model_id').nullable();
    table.jsonb('sources').notNullable().defaultTo('[]');
    table.jsonb('tool_calls').notNullable().defaultTo('[]');
    table.text('error').nullable();
    table.jsonb('usage').nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(
      ['conversation_id', 'created_at'],
      'conversation_conversation_created_idx',
    );
  });
  await knex.raw(
    `ALTER TABLE conversation ADD CONSTRAINT conversation_role_check CHECK (role IN ('user', 'assistant'))`,
  );
  await knex.raw(
    `ALTER TABLE conversation ADD CONSTRAINT conversation_status_check CHECK (status IN ('complete', 'aborted', 'error'))`,
  );

  await knex.schema.createTable('message_feedback', table => {
    table.comment('Ratings of assistant messages, one per message');
    table
      .uuid('message_id')
      .primary()
      .references('id')
      .inTable('conversation')
      .onDelete('CASCADE');
    table.text('user_ref').notNullable();
    table.text('rating').notNullable().comment('up or down');
    table.text('comment').nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('message_feedback');
  await knex.schema.dropTable('conversation');
};
