import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  aiAssistantChatPermission,
  aiAssistantIngestionAdminPermission,
  chatRequestSchema,
  type AiAssistantSource,
  type IngestionRunInfo,
  type IngestorStatusInfo,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { JsonObject } from '@backstage/types';
import type { ChatService } from '../chat/ChatService';
import { AnswerCollector, type CollectedAnswer } from '../chat/collectAnswer';
import type { Retriever } from '../chat/Retriever';
import { sectionUrl } from '../chat/sectionUrl';
import type { IngestionStatusService } from '../ingestion/IngestionStatusService';
import { parse } from '../service/parseInput';
import type { RateLimiter } from '../chat/RateLimiter';
import { requirePermission } from '../service/requirePermission';

/** One passage `search-knowledge` found. */
export interface KnowledgeHit {
  title: string;
  /** Where to read it, pointing at the passage's section when it has one. */
  url: string;
  section?: string;
  /** Fused hybrid score; higher is better. */
  score: number;
  /** The ingestor the document came from, e.g. `catalog`. */
  source: string;
  documentId: string;
  entityRef?: string;
  /** The passage itself. */
  content: string;
}

/** What `ask` returns: the cited answer and the sources its `[n]` markers point at. */
export interface AskResult {
  status: CollectedAnswer['status'];
  answer: string;
  /** Numbered in order: `[1]` in the answer is the first. */
  sources: AiAssistantSource[];
  conversationId?: string;
  messageId?: string;
  /** Why there is no (whole) answer; the sources are still there. */
  error?: { code: string; message: string };
  /** An action the model wants to run that waits for the user's approval in the portal. */
  pendingApproval?: JsonObject;
}

/** One ingestor's status as `GET /ingestion` sends it: dates as ISO strings. */
export type IngestorStatusJson = JsonObject &
  Omit<IngestorStatusInfo, 'lastRun'> & {
    lastRun?: JsonObject & IngestionRunInfo;
  };

/**
 * The assistant's knowledge as Backstage actions: each method answers one action for the
 * calling principal, under the same permission checks as the REST API and the chat.
 */
export class KnowledgeActions {
  constructor(
    private readonly options: {
      retriever: Retriever;
      chat: ChatService;
      permissions: PermissionsService;
      ingestion: IngestionStatusService;
      /** The chat's per-user limit; `ask` costs what a chat message costs. */
      rateLimiter?: RateLimiter;
      /**
       * `app.baseUrl`: links inside the portal (e.g. `/catalog/default/component/x`) are made
       * absolute with it, since an agent outside the portal cannot follow a relative one.
       */
      appBaseUrl?: string;
    },
  ) {}

  /**
   * Hybrid retrieval exactly as the chat retrieves for a question: the caller gets only
   * passages of entities the policy lets them read (`catalog.entity.read`).
   */
  async searchKnowledge(
    input: { query: string; limit?: number; entityRef?: string },
    credentials: BackstageCredentials,
  ): Promise<{ results: KnowledgeHit[] }> {
    await requirePermission(
      this.options.permissions,
      credentials,
      aiAssistantChatPermission,
    );
    // The chat's own validation, so a ref is read the way the chat reads it.
    const { message, entityRef } = parse(
      chatRequestSchema,
      { message: input.query, entityRef: input.entityRef },
      'search-knowledge input',
    );
    const chunks = await this.options.retriever.retrieve(
      message,
      credentials,
      input.limit,
      { entityRef },
    );
    return {
      results: chunks.map(chunk => ({
        title: chunk.title,
        url: this.absolute(sectionUrl(chunk.url, chunk.anchor)),
        ...(chunk.section && { section: chunk.section }),
        score: chunk.score,
        source: chunk.source,
        documentId: chunk.documentId,
        ...(chunk.entityRef && { entityRef: chunk.entityRef }),
        content: chunk.content,
      })),
    };
  }

  /**
   * Runs the chat pipeline for one question and returns the whole answer. The exchange is
   * kept in the user's conversations, as if asked in the portal, so it can be read, rated and
   * continued there (and a paused action approved there): which is also why only users, not
   * static service tokens, may ask.
   */
  async ask(
    input: { question: string; conversationId?: string; entityRef?: string },
    credentials: BackstageCredentials,
  ): Promise<AskResult> {
    const { chat, permissions, rateLimiter } = this.options;
    if (!isUser(credentials)) {
      throw new NotAllowedError(
        'ask answers a user and keeps the exchange in their conversations: call it with a user token, not a service or static token (search-knowledge accepts those)',
      );
    }
    await requirePermission(
      permissions,
      credentials,
      aiAssistantChatPermission,
    );
    await rateLimiter?.take(credentials.principal.userEntityRef);
    const request = parse(
      chatRequestSchema,
      {
        message: input.question,
        conversationId: input.conversationId,
        entityRef: input.entityRef,
      },
      'ask input',
    );
    const prepared = await chat.prepare(request, credentials);
    const collector = new AnswerCollector();
    // Nobody can press stop on an action call; the chat's own timeouts still apply.
    await chat.answer(prepared, collector, new AbortController().signal);
    const answer = collector.result();
    return {
      status: answer.status,
      answer: answer.text,
      sources: answer.sources.map(source => ({
        ...source,
        url: this.absolute(source.url),
      })),
      conversationId: answer.conversationId,
      messageId: answer.messageId,
      ...(answer.error && {
        error: { code: answer.error.code, message: answer.error.message },
      }),
      ...(answer.pendingApproval && {
        pendingApproval: answer.pendingApproval as unknown as JsonObject,
      }),
    };
  }

  private absolute(url: string): string {
    const base = this.options.appBaseUrl;
    return base && url.startsWith('/') && !url.startsWith('//')
      ? `${base.replace(/\/+$/, '')}${url}`
      : url;
  }

  /** What `GET /ingestion` returns, for ingestion admins only. */
  async ingestionStatus(
    credentials: BackstageCredentials,
  ): Promise<{ ingestors: IngestorStatusJson[] }> {
    await requirePermission(
      this.options.permissions,
      credentials,
      aiAssistantIngestionAdminPermission,
    );
    const ingestors = await this.options.ingestion.status();
    // Dates as the REST API sends them (ISO strings), so both read the same.
    return JSON.parse(JSON.stringify({ ingestors }));
  }
}

function isUser(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  return (credentials.principal as { type?: string }).type === 'user';
}
