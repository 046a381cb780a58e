import type { KnowledgeSearchResult } from '../database/KnowledgeStore';
import type { SearchLegs } from '../database/searchTrace';

/**
 * Which search of a retrieval: the asked-about entity's own knowledge first, then the
 * whole store, then (for users who may read few of the candidates) a search restricted to
 * the entities they may read. See Retriever.
 */
export type RetrievalStep = 'entity' | 'search' | 'restricted';

/** One search of a retrieval with what the permission filter did to its results. */
export interface TracedSearch {
  step: RetrievalStep;
  legs: SearchLegs;
  /** Chunk ids the search returned that the permission filter removed. */
  removedByPermission: string[];
}

/**
 * Records what the Retriever does for one question, as it does it, for the retrieval test
 * ("why this answer"). The Retriever fills it on its normal path, so the trace cannot drift
 * from what the chat does.
 */
export class RetrievalTrace {
  /** The text the vector leg embedded. */
  embeddedText?: string;
  /** The embeddings model that embedded it, e.g. `ollama:nomic-embed-text:768`. */
  embeddingModel?: string;
  /** Set when the question was about an entity the user may not read. */
  entityNotReadable?: string;
  readonly searches: TracedSearch[] = [];

  /** The question was embedded. */
  embedded(text: string, model: string): void {
    this.embeddedText = text;
    this.embeddingModel = model;
  }

  /** A search of `step` ran. */
  searched(step: RetrievalStep, legs: SearchLegs): void {
    this.searches.push({ step, legs, removedByPermission: [] });
  }

  /** The permission filter kept `readable` of the last search's `candidates`. */
  filtered(
    candidates: KnowledgeSearchResult[],
    readable: KnowledgeSearchResult[],
  ): void {
    const last = this.searches[this.searches.length - 1];
    if (!last) return;
    const kept = new Set(readable.map(chunk => chunk.chunkId));
    last.removedByPermission = candidates
      .map(chunk => chunk.chunkId)
      .filter(id => !kept.has(id));
  }
}
