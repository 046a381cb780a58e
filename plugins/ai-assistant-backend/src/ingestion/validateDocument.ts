import type { IngestionDocument } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * Checks a document from an ingestor before it is stored. Ingestors are third-party code, so
 * a bad document is reported and skipped rather than failing the whole run.
 *
 * @returns what is wrong, or undefined when the document is fine
 */
export function validateDocument(
  document: IngestionDocument,
): string | undefined {
  if (!document || typeof document !== 'object') {
    return 'it is not an object';
  }
  for (const key of ['id', 'title', 'url', 'content'] as const) {
    if (typeof document[key] !== 'string') {
      return `${key} must be a string (document ${String(document.id)})`;
    }
  }
  if (document.id.length === 0) {
    return 'id must not be empty';
  }
  if (
    document.entityRef !== undefined &&
    typeof document.entityRef !== 'string'
  ) {
    return `entityRef must be a string (document ${document.id})`;
  }
  if (
    document.entityRefs !== undefined &&
    (!Array.isArray(document.entityRefs) ||
      document.entityRefs.length === 0 ||
      !document.entityRefs.every(ref => typeof ref === 'string' && ref))
  ) {
    return `entityRefs must be a non-empty list of entity refs (document ${document.id})`;
  }
  if (document.public !== undefined && typeof document.public !== 'boolean') {
    return `public must be a boolean (document ${document.id})`;
  }
  // Visibility must be stated: a document without a guard is readable by every chat user, so
  // that must never happen because an ingestor left a field out.
  const guarded = Boolean(document.entityRef) || Boolean(document.entityRefs);
  if (!guarded && document.public !== true) {
    return `it states neither an entityRef nor public: true, so nobody can tell who may read it (document ${document.id})`;
  }
  if (guarded && document.public === true) {
    return `it has both public: true and an entity guard; say one (document ${document.id})`;
  }
  if (
    document.updatedAt !== undefined &&
    Number.isNaN(new Date(document.updatedAt).getTime())
  ) {
    return `updatedAt must be a date (document ${document.id})`;
  }
  return undefined;
}

/**
 * The document with its guards in one shape: `entityRef` is its entity (the first guard when
 * only `entityRefs` is given) and `entityRefs` lists every guard, sorted, when there is more
 * than one, so that the same guards always hash and store the same way.
 */
export function normalizeGuards(
  document: IngestionDocument,
): IngestionDocument {
  if (!document.entityRefs) return document;
  const guards = [
    ...new Set([
      ...(document.entityRef ? [document.entityRef] : []),
      ...document.entityRefs,
    ]),
  ].sort((a, b) => a.localeCompare(b));
  const { entityRefs: _given, ...rest } = document;
  return {
    ...rest,
    entityRef: document.entityRef ?? guards[0],
    ...(guards.length > 1 && { entityRefs: guards }),
  };
}
