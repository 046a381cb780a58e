import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';

/** One document among an answer's sources, with every number its chunks were given. */
export interface SourceGroup {
  /** Identifies the document within the answer; stable across renders. */
  key: string;
  /** The document as its first retrieved chunk describes it. */
  source: AiAssistantSource;
  /** The 1-based numbers `[n]` of its chunks, ascending. */
  numbers: number[];
}

// Chunks of one document share its URL. Without one, the entity and title are what a
// reader would tell two documents apart by; with neither, only the ingestor's id is left.
function documentKey(source: AiAssistantSource): string {
  if (source.url) {
    return `url:${source.url}`;
  }
  if (source.entityRef) {
    return `entity:${source.entityRef}\u0000${source.title}`;
  }
  return `document:${source.source}\u0000${source.documentId}`;
}

/**
 * Groups an answer's sources by document. The backend sends one source per retrieved chunk
 * and the model cites them by position, so the numbers are kept as sent; only the list
 * shows each document once. Groups are in the order of their first number.
 */
export function groupSources(sources: AiAssistantSource[]): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  sources.forEach((source, index) => {
    const key = documentKey(source);
    const group = groups.get(key);
    if (group) {
      group.numbers.push(index + 1);
    } else {
      groups.set(key, { key, source, numbers: [index + 1] });
    }
  });
  return [...groups.values()];
}

// The citation syntax of the answers, as remarkCitations renders it.
const CITATION = /\[(\d{1,3})\]/g;

/**
 * The answer's sources grouped by document, those it cites first (in the order the answer
 * first cites them), then the others. When the answer cites nothing (a model that does not
 * cite), every document counts as cited, so nothing is folded away.
 */
export function citedFirst(
  sources: AiAssistantSource[],
  answer: string,
): { cited: SourceGroup[]; rest: SourceGroup[] } {
  const groups = groupSources(sources);
  const order = [...answer.matchAll(CITATION)].map(match => Number(match[1]));
  const rank = (group: SourceGroup) => {
    const first = order.findIndex(number => group.numbers.includes(number));
    return first === -1 ? Infinity : first;
  };
  const cited = groups
    .filter(group => rank(group) !== Infinity)
    .sort((a, b) => rank(a) - rank(b));
  if (cited.length === 0) {
    return { cited: groups, rest: [] };
  }
  return { cited, rest: groups.filter(group => rank(group) === Infinity) };
}
