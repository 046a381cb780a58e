// @ts-check

/**
 * The kind of failure of an answer that failed (`no_model_provider`, `models_unavailable`,
 * `model_error`, ...), next to its message, so a reloaded conversation shows the error as it
 * looked live.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('conversation', table => {
    table
      .text('error_code')
      .nullable()
      .comment('The error event code of a failed answer');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('conversation', table => {
    table.dropColumn('error_code');
  });
};
