// @ts-check

/**
 * Actions the model asked to run that wait for (or got) the user's approval. A paused answer
 * is an assistant message with status `awaiting_approval` and one undecided row here, which
 * holds what the page shows (action, exact input) and, until the decision, what is needed to
 * continue the model loop (`resume_state`: the model-visible messages, the round, the calls
 * used). Decided rows stay, without their resume state, so a second decision is told apart
 * from an unknown id (409 versus 404).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(
    `ALTER TABLE conversation DROP CONSTRAINT IF EXISTS conversation_status_check`,
  );
  await knex.raw(
    `ALTER TABLE conversation ADD CONSTRAINT conversation_status_check CHECK (status IN ('complete', 'aborted', 'error', 'awaiting_approval'))`,
  );
  await knex.schema.createTable('conversation_action_approvals', table => {
    table.comment(
      'Action calls of the model that need the user approval, one per paused answer',
    );
    table.uuid('id').primary();
    table
      .uuid('conversation_id')
      .notNullable()
      .references('id')
      .inTable('conversations')
      .onDelete('CASCADE');
    table
      .uuid('message_id')
      .notNullable()
      .references('id')
      .inTable('conversation')
      .onDelete('CASCADE')
      .comment('The paused assistant message');
    table.text('action_id').notNullable();
    table.text('title').notNullable();
    table.text('description').nullable();
    table.jsonb('input').notNullable().comment('The exact arguments to run');
    table.jsonb('attributes').notNullable();
    table
      .jsonb('resume_state')
      .nullable()
      .comment('What continues the model loop; cleared once decided');
    table.text('decision').nullable().comment('approved or denied');
    table.timestamp('decided_at', { useTz: true }).nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['message_id'], 'conversation_action_approvals_message_idx');
    table.index(
      ['conversation_id'],
      'conversation_action_approvals_conversation_idx',
    );
  });
  await knex.raw(
    `ALTER TABLE conversation_action_approvals ADD CONSTRAINT conversation_action_approvals_decision_check CHECK (decision IN ('approved', 'denied'))`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('conversation_action_approvals');
  await knex('conversation')
    .where({ status: 'awaiting_approval' })
    .update({ status: 'aborted' });
  await knex.raw(
    `ALTER TABLE conversation DROP CONSTRAINT IF EXISTS conversation_status_check`,
  );
  await knex.raw(
    `ALTER TABLE conversation ADD CONSTRAINT conversation_status_check CHECK (status IN ('complete', 'aborted', 'error'))`,
  );
};
