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
    document.updatedAt !== undefined &&
    Number.isNaN(new Date(document.updatedAt).getTime())
  ) {
    return `updatedAt must be a date (document ${document.id})`;
  }
  return undefined;
}
