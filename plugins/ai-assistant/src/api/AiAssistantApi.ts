import type {
  ApprovalDecisionRequest,
  ChatRequest,
  ChatStreamEvent,
  ConversationDetails,
  ConversationListResponse,
  ConversationSummary,
  FeedbackRequest,
  FeedbackReviewItem,
  FeedbackReviewListResponse,
  ListFeedbackReviewQuery,
  IngestionStatusResponse,
  SourcesResponse,
  ExampleQuestionsResponse,
  ModelsResponse,
  RetrievalTestRequest,
  RetrievalTestResult,
  UsageQuery,
  UsageResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { createApiRef } from '@backstage/core-plugin-api';

/**
 * Options of {@link AiAssistantApi.chat}.
 *
 * @public
 */
export interface ChatStreamOptions {
  /** Aborting it closes the request, which makes the server stop and store a partial answer. */
  signal?: AbortSignal;
}

/**
 * Options of {@link AiAssistantApi.listConversations}.
 *
 * @public
 */
export interface ListConversationsOptions {
  limit?: number;
  /** The older way to page; not together with `before`. */
  offset?: number;
  /** Title search text. */
  q?: string;
  /** The `nextCursor` of the previous page. */
  before?: string;
}

/**
 * The AI assistant's REST API (`/api/ai-assistant`), as the page uses it.
 *
 * @public
 */
export interface AiAssistantApi {
  /** Models the user may pick, default first. */
  getModels(): Promise<ModelsResponse>;
  /** Example questions about knowledge that is indexed and the user may read. */
  getExampleQuestions(): Promise<ExampleQuestionsResponse>;
  /**
   * Asks a question and yields the answer's events as the server streams them. Throws
   * {@link AiAssistantRateLimitError} on HTTP 429, a `ResponseError` on other failed
   * requests, and the signal's reason when aborted.
   */
  chat(
    request: ChatRequest,
    options?: ChatStreamOptions,
  ): AsyncIterable<ChatStreamEvent>;
  /**
   * Approves or denies the action an answer paused for (a message's `pendingApproval`), and
   * yields the events of the same answer as it continues: the action's call, then the rest of
   * the answer. Throws like {@link AiAssistantApi.chat}.
   */
  decideApproval(
    conversationId: string,
    approvalId: string,
    decision: ApprovalDecisionRequest['decision'],
    options?: ChatStreamOptions,
  ): AsyncIterable<ChatStreamEvent>;
  /**
   * One page of the caller's conversations, most recently active first: with `q` only those
   * whose title contains it, with `before` (the previous page's `nextCursor`) the next page.
   */
  listConversations(
    page?: ListConversationsOptions,
  ): Promise<ConversationListResponse>;
  /**
   * A conversation with one page of its messages, oldest first: the newest `limit` (the
   * server's default is 50), or with `before` (a message id) the `limit` before that message.
   * `hasOlderMessages` says whether there are more.
   */
  getConversation(
    id: string,
    page?: { limit?: number; before?: string },
  ): Promise<ConversationDetails>;
  renameConversation(id: string, title: string): Promise<ConversationSummary>;
  deleteConversation(id: string): Promise<void>;
  /** Deletes every conversation of the caller. */
  deleteAllConversations(): Promise<void>;
  /** Rates an assistant message; rating again replaces the previous rating. */
  rateMessage(messageId: string, feedback: FeedbackRequest): Promise<void>;
  /** Per ingestor: what is stored and the latest run. Needs the ingestion admin permission. */
  getIngestionStatus(): Promise<IngestionStatusResponse>;
  /** Starts an ingestion run of every ingestor now. Needs the ingestion admin permission. */
  runIngestion(): Promise<void>;
  /**
   * Usage per UTC day and model (answers, users, tokens with how many estimated, errors,
   * fallbacks, feedback) from `from` to `to`, default the last 30 days. Counts only. Needs the
   * ingestion admin permission.
   */
  getUsage(query?: UsageQuery): Promise<UsageResponse>;
  /**
   * Runs the chat's retrieval for a question with a trace: each leg, the fusion, the
   * permission filter and the prompt's chunks. Needs the ingestion admin permission.
   */
  runRetrievalTest(request: RetrievalTestRequest): Promise<RetrievalTestResult>;
  /** The retrieval test of one of the caller's own answers, replayed. Admins only. */
  replayRetrievalTest(messageId: string): Promise<RetrievalTestResult>;
  /**
   * Per source: what is stored, with which model, how fresh, the latest run with its
   * progress and skipped documents. Needs the ingestion admin permission.
   */
  getSources(): Promise<SourcesResponse>;
  /**
   * Queues a run of one source; with `reembed`, every document is embedded again, changed
   * or not. Needs the ingestion admin permission.
   */
  runSource(ingestorId: string, options?: { reembed?: boolean }): Promise<void>;
  /**
   * One page of the thumbs-down answers of every user, newest rating first; by default those
   * not yet reviewed. Needs the ingestion admin permission.
   */
  listFeedbackForReview(
    query?: ListFeedbackReviewQuery,
  ): Promise<FeedbackReviewListResponse>;
  /** Marks a thumbs-down answer reviewed. Needs the ingestion admin permission. */
  markFeedbackReviewed(messageId: string): Promise<FeedbackReviewItem>;
}

/**
 * The API reference of {@link AiAssistantApi}.
 *
 * @public
 */
export const aiAssistantApiRef = createApiRef<AiAssistantApi>({
  id: 'plugin.ai-assistant.service',
});
