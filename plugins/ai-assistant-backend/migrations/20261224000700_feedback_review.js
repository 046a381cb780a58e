// @ts-check

/**
 * Admins review thumbs-down answers (`GET /admin/feedback`): who marked a rating reviewed and
 * when, so the list can hide what was already looked at. The index serves that list, newest
 * ratings of a kind first, without reading every rating.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('message_feedback', table => {
    table
      .timestamp('reviewed_at', { useTz: true })
      .nullable()
      .comment('When an admin marked the rating reviewed; null until then');
    table
      .text('reviewed_by')
      .nullable()
      .comment('The entity ref of the admin who marked it reviewed');
    table.index(
      ['rating', 'created_at', 'message_id'],
      'message_feedback_rating_created_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('message_feedback', table => {
    table.dropIndex(
      ['rating', 'created_at', 'message_id'],
      'message_feedback_rating_created_idx',
    );
    table.dropColumn('reviewed_by');
    table.dropColumn('reviewed_at');
  });
};
