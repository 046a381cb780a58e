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
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AiAssistantApi,
  ChatStreamOptions,
  ListConversationsOptions,
} from './AiAssistantApi';
import { AiAssistantRateLimitError } from './errors';
import { readChatEvents } from './readChatEvents';

/**
 * {@link AiAssistantApi} over HTTP. Requests go through `fetchApi`, so the user's Backstage
 * token is attached, to the URL `discoveryApi` gives for the `ai-assistant` plugin.
 *
 * @public
 */
export class AiAssistantClient implements AiAssistantApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getModels(): Promise<ModelsResponse> {
    return this.json('/models');
  }

  async getExampleQuestions(): Promise<ExampleQuestionsResponse> {
    return this.json('/examples');
  }

  async *chat(
    request: ChatRequest,
    options: ChatStreamOptions = {},
  ): AsyncGenerator<ChatStreamEvent> {
    yield* this.eventStream('/chat', request, options.signal);
  }

  async *decideApproval(
    conversationId: string,
    approvalId: string,
    decision: ApprovalDecisionRequest['decision'],
    options: ChatStreamOptions = {},
  ): AsyncGenerator<ChatStreamEvent> {
    const path = `/conversations/${encodeURIComponent(
      conversationId,
    )}/approvals/${encodeURIComponent(approvalId)}`;
    const body: ApprovalDecisionRequest = { decision };
    yield* this.eventStream(path, body, options.signal);
  }

  async listConversations(
    page: ListConversationsOptions = {},
  ): Promise<ConversationListResponse> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.offset !== undefined) query.set('offset', String(page.offset));
    if (page.q) query.set('q', page.q);
    if (page.before !== undefined) query.set('before', page.before);
    const suffix = query.toString() ? `?${query}` : '';
    return this.json(`/conversations${suffix}`);
  }

  async getConversation(
    id: string,
    page: { limit?: number; before?: string } = {},
  ): Promise<ConversationDetails> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.before !== undefined) query.set('before', page.before);
    const suffix = query.toString() ? `?${query}` : '';
    return this.json(`/conversations/${encodeURIComponent(id)}${suffix}`);
  }

  async renameConversation(
    id: string,
    title: string,
  ): Promise<ConversationSummary> {
    return this.json(`/conversations/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title }),
    });
  }

  async deleteConversation(id: string): Promise<void> {
    await this.request(`/conversations/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  async deleteAllConversations(): Promise<void> {
    await this.request('/conversations', { method: 'DELETE' });
  }

  async rateMessage(
    messageId: string,
    feedback: FeedbackRequest,
  ): Promise<void> {
    await this.request(`/messages/${encodeURIComponent(messageId)}/feedback`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(feedback),
    });
  }

  async getIngestionStatus(): Promise<IngestionStatusResponse> {
    return this.json('/ingestion');
  }

  async runIngestion(): Promise<void> {
    await this.request('/ingestion/run', { method: 'POST' });
  }

  async getUsage(query: UsageQuery = {}): Promise<UsageResponse> {
    const params = new URLSearchParams();
    if (query.from) params.set('from', query.from);
    if (query.to) params.set('to', query.to);
    const suffix = params.toString() ? `?${params}` : '';
    return this.json(`/admin/usage${suffix}`);
  }

  async runRetrievalTest(
    request: RetrievalTestRequest,
  ): Promise<RetrievalTestResult> {
    return this.json('/admin/retrieval-test', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  async replayRetrievalTest(messageId: string): Promise<RetrievalTestResult> {
    return this.json(
      `/admin/retrieval-test/messages/${encodeURIComponent(messageId)}`,
    );
  }

  async getSources(): Promise<SourcesResponse> {
    return this.json('/admin/sources');
  }

  async runSource(
    ingestorId: string,
    options: { reembed?: boolean } = {},
  ): Promise<void> {
    const action = options.reembed ? 'reindex' : 'run';
    await this.request(
      `/admin/sources/${encodeURIComponent(ingestorId)}/${action}`,
      { method: 'POST' },
    );
  }

  async listFeedbackForReview(
    query: ListFeedbackReviewQuery = {},
  ): Promise<FeedbackReviewListResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const suffix = params.toString() ? `?${params}` : '';
    return this.json(`/admin/feedback${suffix}`);
  }

  async markFeedbackReviewed(messageId: string): Promise<FeedbackReviewItem> {
    return this.json(
      `/admin/feedback/${encodeURIComponent(messageId)}/reviewed`,
      { method: 'POST' },
    );
  }

  private async *eventStream(
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatStreamEvent> {
    const response = await this.request(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
      },
      body: JSON.stringify(body),
      signal,
    });
    yield* readChatEvents(response, signal);
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await this.request(path, init);
    return (await response.json()) as T;
  }

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ai-assistant');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (response.status === 429) {
      throw AiAssistantRateLimitError.fromResponse(response);
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
