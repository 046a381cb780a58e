// @ts-check

/**
 * One row per answer for the usage and cost view and the per-user daily token budget: who
 * (the user's entity ref), which model, which UTC day, how many tokens in and out, and how it
 * went. No message text: this table is kept for accounting, so it must not become a second copy
 * of conversations a user deleted or retention purged. For the same reason the message id is
 * not a foreign key: deleting a conversation keeps its usage.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('chat_usage', table => {
    table.comment(
      'Token usage and outcome of each answer, without message text',
    );
    table.uuid('message_id').primary().comment('The assistant message');
    table.date('day').notNullable().comment('UTC day of the answer');
    table.text('user_ref').notNullable();
    table.text('model_id').notNullable();
    table.integer('input_tokens').notNullable().defaultTo(0);
    table.integer('output_tokens').notNullable().defaultTo(0);
    table
      .boolean('estimated')
      .notNullable()
      .defaultTo(false)
      .comment(
        'Whether the provider reported no usage, so tokens were estimated',
      );
    table
      .text('status')
      .notNullable()
      .comment('complete, aborted or error, as the message');
    table
      .boolean('fallback')
      .notNullable()
      .defaultTo(false)
      .comment('Answered by another model after the first one(s) failed');
    table.text('feedback').nullable().comment('up or down, once rated');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    // The usage report reads a range of days; the budget sums one user's day.
    table.index(['day', 'model_id'], 'chat_usage_day_model_idx');
    table.index(['user_ref', 'day'], 'chat_usage_user_day_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('chat_usage');
};
