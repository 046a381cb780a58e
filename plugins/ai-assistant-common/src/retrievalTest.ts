import { z } from 'zod';
import { chatRequestSchema } from './api';
import type { AiAssistantSource } from './types';

/**
 * Body of `POST /admin/retrieval-test`: a question as the chat would retrieve for it, the
 * entity it is about (as from an entity page) and optionally a user to see it as.
 *
 * @public
 */
export const retrievalTestRequestSchema = z
  .object({
    question: z
      .string()
      .refine(value => value.trim().length > 0, 'question must not be empty'),
    entityRef: chatRequestSchema.shape.entityRef,
    /**
     * A user entity ref (`user:namespace/name`) to see retrieval as. Backstage lets a plugin
     * ask the permission policy only for the caller, so for anybody else the permission
     * filter is shown as for a user who may read no entity (see the response's `permissions`).
     */
    asUser: z
      .string()
      .max(500, 'asUser must be at most 500 characters')
      .regex(
        /^user:[\w.-]+\/[\w.-]+$/i,
        'asUser must be a user entity ref user:namespace/name, e.g. user:default/jane',
      )
      .transform(ref => {
        const [kindAndNamespace, name] = ref.split('/');
        return `${kindAndNamespace.toLocaleLowerCase('en-US')}/${name}`;
      })
      .optional(),
  })
  .strict();

/** @public */
export type RetrievalTestRequest = z.input<typeof retrievalTestRequestSchema>;

/**
 * A candidate chunk as the retrieval test shows it. Chunks the admin may not read themselves
 * are `hidden`: rank and score only, no title, section or text.
 *
 * @public
 */
export interface RetrievalTestChunk {
  chunkId: string;
  /** 1 is the best (of its leg, or of the fused ranking). */
  rank: number;
  score: number;
  hidden?: boolean;
  title?: string;
  section?: string;
  url?: string;
  source?: string;
  entityRef?: string;
  /** The permission filter removed it for the user retrieval ran as. */
  removedByPermission?: boolean;
}

/**
 * A fused candidate: its fused score and where each leg ranked it.
 *
 * @public
 */
export interface RetrievalTestFusedChunk extends RetrievalTestChunk {
  vectorRank?: number;
  keywordRank?: number;
  /** Within the `limit` the search returned (the rest are the legs' other candidates). */
  returned: boolean;
}

/**
 * One search of a retrieval, leg by leg. A retrieval has one (`search`), or also `entity`
 * (the asked-about entity's own knowledge, first) and `restricted` (a second search within
 * the entities the user may read, when the first left too few).
 *
 * @public
 */
export interface RetrievalTestSearch {
  step: 'entity' | 'search' | 'restricted';
  vector: {
    /** The text that was embedded. */
    text: string;
    embeddingModel: string;
    candidates: RetrievalTestChunk[];
  };
  keyword: {
    /** The text turned into terms (identifiers split into words too). */
    text: string;
    /** The tsquery that selected chunks; absent when no term is in the index. */
    tsquery?: string;
    /** The rarest term alone matched too much, so the terms were AND-ed. */
    andFallback: boolean;
    terms: Array<{ lexeme: string; idf: number; matched: boolean }>;
    candidates: RetrievalTestChunk[];
  };
  /** Fusion of both legs: weighted min-max scaled scores, same-document decay. */
  fused: RetrievalTestFusedChunk[];
  /** How many chunks the search returned. */
  limit: number;
  /** How many of those the permission filter removed. */
  removedByPermission: number;
}

/**
 * Answer of `POST /admin/retrieval-test` and `GET /admin/retrieval-test/messages/:id`.
 *
 * @public
 */
export interface RetrievalTestResult {
  question: string;
  entityRef?: string;
  permissions: {
    /** The user whose permissions filtered the candidates, or would have. */
    user: string;
    /**
     * `policy`: the permission policy decided, for the caller. `noEntities`: another user was
     * asked for, and Backstage cannot ask the policy for somebody else, so the filter ran as
     * for a user who may read no entity: what every chat user gets at least.
     */
    mode: 'policy' | 'noEntities';
    /** The asked-about entity, when the user may not read it (its knowledge was skipped). */
    entityNotReadable?: string;
  };
  searches: RetrievalTestSearch[];
  /** Removed by the permission filter, over all searches. */
  removedByPermission: number;
  /** The chunks the prompt would get, numbered as the model sees them ([n]). */
  promptChunks: Array<{
    n: number;
    chunkId: string;
    title: string;
    section?: string;
    url: string;
    source: string;
    entityRef?: string;
    score: number;
    content: string;
  }>;
  /** Present when replaying an answered message. */
  replay?: {
    messageId: string;
    conversationId: string;
    answeredAt: string;
    /** The embeddings model of the time; compare with `currentEmbeddingModel`. */
    embeddingModel: string;
    currentEmbeddingModel: string;
    /** The sources the answer was actually given. */
    answeredSources: AiAssistantSource[];
  };
}
