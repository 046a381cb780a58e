import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { KnowledgeSearchResult } from '../database/KnowledgeStore';
import { sectionUrl } from './sectionUrl';

/** A retrieved chunk as the `sources` event and the stored message show it. */
export function toSource(chunk: KnowledgeSearchResult): AiAssistantSource {
  return {
    source: chunk.source,
    documentId: chunk.documentId,
    title: chunk.title,
    url: sectionUrl(chunk.url, chunk.anchor),
    ...(chunk.section && { section: chunk.section }),
    entityRef: chunk.entityRef,
    excerpt: excerptOf(chunk.content),
    score: chunk.score,
  };
}

// Long enough to recognise the passage, short enough for a preview and the stored message.
const EXCERPT_CHARS = 280;

/** The passage's first words, whitespace collapsed, cut at a word with an ellipsis. */
function excerptOf(content: string): string {
  const text = content.replace(/\s+/g, ' ').trim();
  if (text.length <= EXCERPT_CHARS) {
    return text;
  }
  const cut = text.slice(0, EXCERPT_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > EXCERPT_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}
