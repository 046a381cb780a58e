import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  RetrievalTestChunk,
  RetrievalTestResult,
  RetrievalTestSearch,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { KnowledgeSearchResult } from '../database/KnowledgeStore';
import type { MessageRetrievalStore } from '../database/MessageRetrievalStore';
import type { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { MessageTooLongError } from './PreparedChat';
import { entityRefsOf, mayRead, type Retriever } from './Retriever';
import { RetrievalTrace, type TracedSearch } from './RetrievalTrace';
import { sectionUrl } from './sectionUrl';

/**
 * Decides as a user who may read no catalog entity. Backstage has no way for a plugin to ask
 * the permission policy about another user (the policy learns the user from the caller's
 * token, and AuthService cannot mint one for somebody else), so this is the honest stand-in
 * for "as another user": what every chat user gets at least.
 */
const noEntityReads: PermissionsService = {
  authorize: async requests =>
    requests.map(() => ({ result: AuthorizeResult.DENY })),
  authorizeConditional: async requests =>
    requests.map(() => ({ result: AuthorizeResult.DENY })),
};

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * The retrieval test ("why this answer"): runs the chat's own retrieval for a question with a
 * trace and shows each leg, the fusion, the permission filter and the prompt's chunks. Also
 * records each answer's retrieval input so an admin can replay their own answers.
 */
export class RetrievalTestService {
  constructor(
    private readonly options: {
      retriever: Retriever;
      embeddings: EmbeddingsService;
      replays: MessageRetrievalStore;
      logger: LoggerService;
      /** Longest question accepted, as for chat messages. */
      maxQuestionLength: number;
    },
  ) {}

  /**
   * Retrieves for `question` as the chat would for the caller, or, with `asUser` naming
   * somebody else, as for a user who may read no entity.
   */
  async run(
    input: { question: string; entityRef?: string; asUser?: string },
    credentials: UserCredentials,
  ): Promise<RetrievalTestResult> {
    const { retriever, maxQuestionLength } = this.options;
    if (input.question.length > maxQuestionLength) {
      throw new MessageTooLongError(input.question.length, maxQuestionLength);
    }
    const self = credentials.principal.userEntityRef;
    const asOther = input.asUser !== undefined && input.asUser !== self;
    const trace = new RetrievalTrace();
    const chunks = await (
      asOther ? retriever.withPermissions(noEntityReads) : retriever
    ).retrieve(
      input.question,
      credentials,
      undefined,
      { entityRef: input.entityRef },
      trace,
    );
    // The admin sees the text of a candidate only if they could read it in the chat.
    const adminMayRead = await retriever.readable(
      entityRefsOf(trace.searches.flatMap(search => search.legs.fused)),
      credentials,
    );
    const searches = trace.searches.map(search =>
      describeSearch(search, trace, chunk => mayRead(chunk, adminMayRead)),
    );
    return {
      question: input.question,
      ...(input.entityRef && { entityRef: input.entityRef }),
      permissions: {
        user: asOther ? input.asUser! : self,
        mode: asOther ? 'noEntities' : 'policy',
        ...(trace.entityNotReadable && {
          entityNotReadable: trace.entityNotReadable,
        }),
      },
      searches,
      removedByPermission: searches.reduce(
        (sum, search) => sum + search.removedByPermission,
        0,
      ),
      promptChunks: chunks.map((chunk, index) => ({
        n: index + 1,
        chunkId: chunk.chunkId,
        title: chunk.title,
        ...(chunk.section && { section: chunk.section }),
        url: sectionUrl(chunk.url, chunk.anchor),
        source: chunk.source,
        ...(chunk.entityRef && { entityRef: chunk.entityRef }),
        score: chunk.score,
        content: chunk.content,
      })),
    };
  }

  /**
   * Replays the retrieval of one of the caller's own answers: the same question and entity,
   * against today's index, next to the sources the answer was given. 404 for anybody else's
   * message or one answered before answers were recorded.
   */
  async replay(
    messageId: string,
    credentials: UserCredentials,
  ): Promise<RetrievalTestResult> {
    const { replays, embeddings } = this.options;
    const turn = await replays.get(
      messageId,
      credentials.principal.userEntityRef,
    );
    if (!turn) {
      throw new NotFoundError(
        `No answer ${messageId} of yours with a recorded retrieval`,
      );
    }
    const result = await this.run(
      { question: turn.question, entityRef: turn.entityRef },
      credentials,
    );
    return {
      ...result,
      replay: {
        messageId: turn.messageId,
        conversationId: turn.conversationId,
        answeredAt: turn.answeredAt,
        embeddingModel: turn.embeddingModel,
        currentEmbeddingModel: (await embeddings.getModel()).key,
        answeredSources: turn.sources,
      },
    };
  }

  /**
   * Records what an answer's retrieval was asked, for {@link RetrievalTestService.replay}.
   * Never fails the answer: a lost record only means that answer cannot be replayed.
   */
  async record(input: {
    messageId: string;
    question: string;
    entityRef?: string;
  }): Promise<void> {
    try {
      const model = await this.options.embeddings.getModel();
      await this.options.replays.record({
        ...input,
        embeddingModel: model.key,
      });
    } catch (error) {
      this.options.logger.warn(
        `Could not record the retrieval of answer ${input.messageId} for replay: ${error}`,
      );
    }
  }
}

function describeSearch(
  search: TracedSearch,
  trace: RetrievalTrace,
  adminMayRead: (chunk: KnowledgeSearchResult) => boolean,
): RetrievalTestSearch {
  const { legs } = search;
  const removed = new Set(search.removedByPermission);
  const byId = new Map(legs.fused.map(chunk => [chunk.chunkId, chunk]));
  const view = (
    chunkId: string,
    rank: number,
    score: number,
  ): RetrievalTestChunk => {
    const chunk = byId.get(chunkId);
    const base = {
      chunkId,
      rank,
      score,
      ...(removed.has(chunkId) && { removedByPermission: true }),
    };
    if (!chunk || !adminMayRead(chunk)) {
      return { ...base, hidden: true };
    }
    return {
      ...base,
      title: chunk.title,
      ...(chunk.section && { section: chunk.section }),
      url: sectionUrl(chunk.url, chunk.anchor),
      source: chunk.source,
      ...(chunk.entityRef && { entityRef: chunk.entityRef }),
    };
  };
  const rankIn = (candidates: Array<{ chunkId: string; rank: number }>) =>
    new Map(candidates.map(c => [c.chunkId, c.rank]));
  const vectorRanks = rankIn(legs.vector);
  const keywordRanks = rankIn(legs.keyword);
  return {
    step: search.step,
    vector: {
      text: trace.embeddedText ?? '',
      embeddingModel: trace.embeddingModel ?? '',
      candidates: legs.vector.map(c => view(c.chunkId, c.rank, c.score)),
    },
    keyword: {
      text: legs.keywordText,
      ...(legs.tsquery && { tsquery: legs.tsquery }),
      andFallback: legs.andFallback,
      terms: legs.terms,
      candidates: legs.keyword.map(c => view(c.chunkId, c.rank, c.score)),
    },
    fused: legs.fused.map((chunk, index) => ({
      ...view(chunk.chunkId, index + 1, chunk.score),
      ...(vectorRanks.has(chunk.chunkId) && {
        vectorRank: vectorRanks.get(chunk.chunkId),
      }),
      ...(keywordRanks.has(chunk.chunkId) && {
        keywordRank: keywordRanks.get(chunk.chunkId),
      }),
      returned: index < legs.limit,
    })),
    limit: legs.limit,
    removedByPermission: removed.size,
  };
}
