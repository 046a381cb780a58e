/** Query parameter of the assistant page naming the entity a conversation is about. */
export const ENTITY_PARAM = 'entity';

/** Query parameter of the assistant page holding a question to ask as soon as it opens. */
export const QUESTION_PARAM = 'q';

/**
 * The assistant page's address that asks `question` about the entity `entityRef`; the page
 * reads both parameters (see useEntityContext).
 */
export function askAboutEntityLink(
  pagePath: string,
  entityRef: string,
  question: string,
): string {
  const params = new URLSearchParams({
    [ENTITY_PARAM]: entityRef,
    [QUESTION_PARAM]: question,
  });
  return `${pagePath}?${params}`;
}

/** The name part of `kind:namespace/name`, for short labels. */
export function entityName(entityRef: string): string {
  return entityRef.slice(entityRef.lastIndexOf('/') + 1);
}
