import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { KnowledgeEntityRefs } from '../database/KnowledgeEntityRefs';
import type {
  KnowledgeQuery,
  KnowledgeSearchResult,
  KnowledgeStore,
} from '../database/KnowledgeStore';
import type { EmbeddingsService } from '../embeddings/EmbeddingsService';
import {
  type AiAssistantMetrics,
  noopMetrics,
  secondsSince,
} from '../metrics/AiAssistantMetrics';
import type { RetrievalStep, RetrievalTrace } from './RetrievalTrace';

/**
 * Fetches this many times the wanted amount before the permission filter, so that answers
 * usually keep enough context, without a second search, when some chunks belong to entities
 * the user may not read.
 */
const OVERFETCH = 3;

/** Entities per `permissions.authorize` call when authorizing every entity with knowledge. */
const AUTHORIZE_BATCH = 1000;

/**
 * Finds the chunks that answer a question and that the asking user may read: hybrid search,
 * then one batched permission check of every entity the candidates belong to; when that
 * leaves too few chunks, a second search restricted to the entities the user may read.
 */
export class Retriever {
  constructor(
    private readonly options: {
      store: KnowledgeStore;
      /** The entities that own stored knowledge, for the restricted second search. */
      entityRefs: KnowledgeEntityRefs;
      embeddings: EmbeddingsService;
      permissions: PermissionsService;
      amount: number;
      metrics?: AiAssistantMetrics;
    },
  ) {}

  /**
   * The best `limit` (default: the configured amount) chunks for the question. A chunk of a
   * catalog entity is kept only if the user may read that entity; chunks without one are
   * public to every chat user. Returns `limit` chunks whenever that many readable ones exist,
   * however few of the catalog's entities the user may read. With `about.entityRef`, that
   * entity's readable chunks come first and the normal search fills the rest. A `trace`
   * records every search and permission decision on the way (the retrieval test).
   */
  async retrieve(
    question: string,
    credentials: BackstageCredentials,
    limit = this.options.amount,
    about?: { entityRef?: string },
    trace?: RetrievalTrace,
  ): Promise<KnowledgeSearchResult[]> {
    const { embeddings, store } = this.options;
    const vector = await embeddings.embedQuery(question);
    if (trace) trace.embedded(question, (await store.currentModel()).key);
    const query = { text: question, vector, limit: limit * OVERFETCH };
    const own = about?.entityRef
      ? await this.ownKnowledge(query, about.entityRef, credentials, trace)
      : [];
    if (own.length >= limit) {
      return own.slice(0, limit);
    }
    const seen = new Set(own.map(chunk => chunk.chunkId));
    const rest = await this.searchReadable(query, credentials, limit, trace);
    return [...own, ...rest.filter(chunk => !seen.has(chunk.chunkId))].slice(
      0,
      limit,
    );
  }

  /**
   * The best chunks of the entity the question is about, first in the answer's context, so
   * "what does it do?" is answered from that entity's own knowledge even when other entities
   * match the words better. Empty when the user may not read the entity: asking about an
   * entity must not reveal what the user could not find otherwise.
   */
  private async ownKnowledge(
    query: KnowledgeQuery,
    entityRef: string,
    credentials: BackstageCredentials,
    trace?: RetrievalTrace,
  ): Promise<KnowledgeSearchResult[]> {
    const allowed = await this.readable([entityRef], credentials);
    if (!allowed.has(entityRef)) {
      if (trace) trace.entityNotReadable = entityRef;
      return [];
    }
    const chunks = await this.search(
      { ...query, entityRefs: [entityRef] },
      trace,
      'entity',
    );
    // A chunk may have further guards (documents shared by several entities): check those.
    const guards = entityRefsOf(chunks).filter(ref => !allowed.has(ref));
    for (const ref of await this.readable(guards, credentials)) {
      allowed.add(ref);
    }
    const readable = chunks.filter(chunk => mayRead(chunk, allowed));
    trace?.filtered(chunks, readable);
    return readable;
  }

  /** The best `limit` chunks of the whole store that the user may read. */
  private async searchReadable(
    base: KnowledgeQuery,
    credentials: BackstageCredentials,
    limit: number,
    trace?: RetrievalTrace,
  ): Promise<KnowledgeSearchResult[]> {
    const query = { ...base, limit: limit * OVERFETCH };
    const candidates = await this.search(query, trace, 'search');
    const candidateRefs = entityRefsOf(candidates);
    const allowed = await this.readable(candidateRefs, credentials);
    const readable = candidates.filter(chunk => mayRead(chunk, allowed));
    trace?.filtered(candidates, readable);
    if (readable.length >= limit || candidates.length < query.limit) {
      return readable.slice(0, limit);
    }
    // Over-fetching cannot help a user who may read a small share of the entities: with 5 %
    // readable, 3× the amount holds a few readable chunks and a larger factor only postpones
    // the problem. So authorize every entity that owns knowledge (one batched call; the
    // candidates' decisions are reused) and let the database search only readable chunks,
    // which pgvector's iterative index scan keeps fast. Only users who came up short pay.
    const decided = new Set(candidateRefs);
    const others = (await this.options.entityRefs.list()).filter(
      ref => !decided.has(ref),
    );
    for (const ref of await this.readable(others, credentials)) {
      allowed.add(ref);
    }
    const restricted = await this.search(
      { ...query, limit, readableEntityRefs: [...allowed] },
      trace,
      'restricted',
    );
    const kept = restricted.filter(chunk => mayRead(chunk, allowed));
    trace?.filtered(restricted, kept);
    return kept.slice(0, limit);
  }

  private async search(
    query: KnowledgeQuery,
    trace?: RetrievalTrace,
    step: RetrievalStep = 'search',
  ): Promise<KnowledgeSearchResult[]> {
    const start = performance.now();
    const results = await this.options.store.search(
      query,
      trace && (legs => trace.searched(step, legs)),
    );
    (this.options.metrics ?? noopMetrics).search(secondsSince(start));
    return results;
  }

  /**
   * The same retrieval with another permission service, e.g. one that decides as a user who
   * may read no entity (the retrieval test's lower bound for another user).
   */
  withPermissions(permissions: PermissionsService): Retriever {
    return new Retriever({ ...this.options, permissions });
  }

  /**
   * Recently ingested documents the user may read (a few of each ingestor), for example
   * questions that fit the knowledge actually there.
   */
  async readableRecentDocuments(
    credentials: BackstageCredentials,
    perSource: number,
  ): Promise<Array<{ source: string; title: string; entityRef?: string }>> {
    const documents = await this.options.store.recentDocuments(perSource);
    const guards = [
      ...new Set(
        documents.flatMap(d => [
          ...(d.entityRef ? [d.entityRef] : []),
          ...(d.entityRefs ?? []),
        ]),
      ),
    ];
    const allowed = await this.readable(guards, credentials);
    return documents.filter(
      d =>
        (!d.entityRef || allowed.has(d.entityRef)) &&
        (d.entityRefs ?? []).every(ref => allowed.has(ref)),
    );
  }

  /** The refs among `refs` whose entity the user may read, in batched permission calls. */
  async readable(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const batches: string[][] = [];
    for (let start = 0; start < refs.length; start += AUTHORIZE_BATCH) {
      batches.push(refs.slice(start, start + AUTHORIZE_BATCH));
    }
    const allowed = await Promise.all(
      batches.map(async batch => {
        const decisions = await this.options.permissions.authorize(
          batch.map(resourceRef => ({
            permission: catalogEntityReadPermission,
            resourceRef,
          })),
          { credentials },
        );
        return batch.filter(
          (_ref, index) => decisions[index]?.result === AuthorizeResult.ALLOW,
        );
      }),
    );
    return new Set(allowed.flat());
  }
}

/** Whether the user may read a chunk: its entity and every other guard are allowed. */
export function mayRead(
  chunk: KnowledgeSearchResult,
  allowed: ReadonlySet<string>,
): boolean {
  return (
    (!chunk.entityRef || allowed.has(chunk.entityRef)) &&
    (chunk.entityRefs ?? []).every(ref => allowed.has(ref))
  );
}

/** The distinct entity refs that guard the chunks. */
export function entityRefsOf(chunks: KnowledgeSearchResult[]): string[] {
  return [
    ...new Set(
      chunks.flatMap(chunk => [
        ...(chunk.entityRef ? [chunk.entityRef] : []),
        ...(chunk.entityRefs ?? []),
      ]),
    ),
  ];
}
