// @ts-check

/**
 * Keeps a chunk's vector in its table row instead of the TOAST table. pgvector stores vectors
 * "external": any row over about 2 KB (every row from 512 dimensions) had its vector cut into
 * TOAST chunks, so each chunk written cost two more rows and index entries, and every vector
 * read (the HNSW build, the exact re-rank of the vector leg's candidates) one more index
 * lookup. With the target at the page's limit, rows that fit a page stay whole (768 and 1,536
 * dimensions); larger ones (3,072) are still moved out. Applies to rows written from now on.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw('ALTER TABLE embeddings SET (toast_tuple_target = 8160)');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('ALTER TABLE embeddings RESET (toast_tuple_target)');
};
