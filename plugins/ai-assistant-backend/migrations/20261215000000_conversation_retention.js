// @ts-check

/**
 * An index for the retention purge, which deletes conversations of every user by last
 * activity (`aiAssistant.conversations.retention`); the per-user index cannot serve it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('conversations', table => {
    table.index(['updated_at'], 'conversations_updated_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('conversations', table => {
    table.dropIndex(['updated_at'], 'conversations_updated_idx');
  });
};
