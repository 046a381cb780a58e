import type {
  ApprovalDecisionRequest,
  ChatMessage,
  ChatRequest,
  ConversationDetails,
  ConversationSummary,
  ModelsResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { BASE_URL } from './apis';
import { ScriptedSseStream } from './sseStream';

/** An error answer shaped like Backstage's error handler writes it. */
export function errorResponse(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, request: {}, response: { statusCode: status } },
    { status },
  );
}

/** An msw server for one test file; handlers reset after each test. */
export function setupFakeBackend() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** A conversation as the fake backend stores it: with every message. */
export type StoredConversation = ConversationSummary & {
  messages: ChatMessage[];
};

/** What `POST /chat` received, and the stream the test feeds the answer through. */
export interface ChatExchange {
  request: ChatRequest;
  stream: ScriptedSseStream;
  /** Aborted when the client closes the request, as the backend's `close` event. */
  signal: AbortSignal;
}

/** What an approval decision's request named and sent, and the stream that continues the answer. */
export interface DecisionExchange {
  conversationId: string;
  approvalId: string;
  request: ApprovalDecisionRequest;
  stream: ScriptedSseStream;
  signal: AbortSignal;
}

/**
 * In-memory backend state behind the default handlers: models, stored conversations, and
 * each chat request with its scripted stream.
 */
export class FakeBackend {
  models: ModelsResponse = {
    models: [
      { id: 'ollama/llama3.1', displayName: 'llama3.1 (Ollama)' },
      { id: 'azure-ai/gpt-4o', displayName: 'gpt-4o (Azure AI)' },
    ],
    defaultModelId: 'ollama/llama3.1',
  };
  conversations: StoredConversation[] = [];
  /** What `GET /examples` answers: none, as before anything is indexed. */
  exampleQuestions: string[] = [];
  readonly chats: ChatExchange[] = [];
  readonly feedback: Array<{
    messageId: string;
    rating: string;
    comment?: string;
  }> = [];
  /** The query of every `GET /conversations`, in order. */
  readonly listQueries: URLSearchParams[] = [];
  private waiters: Array<(exchange: ChatExchange) => void> = [];
  readonly decisions: DecisionExchange[] = [];
  private decisionWaiters: Array<(exchange: DecisionExchange) => void> = [];

  /** Resolves with the next approval decision the page sends. */
  nextDecision(): Promise<DecisionExchange> {
    return new Promise(resolve => this.decisionWaiters.push(resolve));
  }

  /** Resolves with the next chat request the page sends. */
  nextChat(): Promise<ChatExchange> {
    return new Promise(resolve => this.waiters.push(resolve));
  }

  readonly handlers = [
    http.get(`${BASE_URL}/models`, () => HttpResponse.json(this.models)),
    http.get(`${BASE_URL}/examples`, () =>
      HttpResponse.json({ questions: this.exampleQuestions }),
    ),
    // Searches titles (`q`) and pages by cursor (`before`) like the backend; here the cursor
    // is simply the id of the previous page's last conversation.
    http.get(`${BASE_URL}/conversations`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      this.listQueries.push(query);
      const limit = Number(query.get('limit') ?? 20);
      const q = query.get('q')?.toLowerCase();
      const before = query.get('before');
      const matching = [...this.conversations]
        .filter(c => !q || (c.title ?? '').toLowerCase().includes(q))
        .sort(
          (a, b) =>
            b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id),
        );
      const start = before ? matching.findIndex(c => c.id === before) + 1 : 0;
      const page = matching.slice(start, start + limit);
      return HttpResponse.json({
        conversations: page.map(
          ({ messages: _messages, ...summary }) => summary,
        ),
        total: matching.length,
        limit,
        offset: 0,
        nextCursor:
          start + limit < matching.length
            ? page[page.length - 1].id
            : undefined,
      });
    }),
    // Pages like the backend: the newest `limit` (default 50), or those before `before`.
    http.get(`${BASE_URL}/conversations/:id`, ({ params, request }) => {
      const found = this.conversations.find(c => c.id === params.id);
      if (!found) {
        return errorResponse(404, 'NotFoundError', 'Conversation not found');
      }
      const query = new URL(request.url).searchParams;
      const limit = Number(query.get('limit') ?? 50);
      const before = query.get('before');
      const end = before
        ? found.messages.findIndex(m => m.id === before)
        : found.messages.length;
      const start = Math.max(0, end - limit);
      const page: ConversationDetails = {
        ...found,
        messages: found.messages.slice(start, end),
        hasOlderMessages: start > 0,
      };
      return HttpResponse.json(page);
    }),
    http.patch(`${BASE_URL}/conversations/:id`, async ({ params, request }) => {
      const { title } = (await request.json()) as { title: string };
      const found = this.conversations.find(c => c.id === params.id)!;
      found.title = title;
      const { messages: _messages, ...summary } = found;
      return HttpResponse.json(summary);
    }),
    http.delete(`${BASE_URL}/conversations/:id`, ({ params }) => {
      this.conversations = this.conversations.filter(c => c.id !== params.id);
      return new HttpResponse(null, { status: 204 });
    }),
    http.delete(`${BASE_URL}/conversations`, () => {
      this.conversations = [];
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(
      `${BASE_URL}/messages/:id/feedback`,
      async ({ params, request }) => {
        const { rating, comment } = (await request.json()) as {
          rating: string;
          comment?: string;
        };
        this.feedback.push({
          messageId: String(params.id),
          rating,
          ...(comment !== undefined && { comment }),
        });
        // Stored with the message, as the backend does, so a reload shows it.
        const rated = this.conversations
          .flatMap(c => c.messages)
          .find(m => m.id === params.id);
        if (rated) {
          rated.feedback = {
            rating: rating as 'up' | 'down',
            ...(comment && { comment }),
          };
        }
        return new HttpResponse(null, { status: 204 });
      },
    ),
    http.post(
      `${BASE_URL}/conversations/:conversationId/approvals/:approvalId`,
      async ({ params, request }) => {
        const exchange: DecisionExchange = {
          conversationId: String(params.conversationId),
          approvalId: String(params.approvalId),
          request: (await request.json()) as ApprovalDecisionRequest,
          stream: new ScriptedSseStream(),
          signal: request.signal,
        };
        this.decisions.push(exchange);
        this.decisionWaiters.shift()?.(exchange);
        return exchange.stream.response();
      },
    ),
    http.post(`${BASE_URL}/chat`, async ({ request }) => {
      const exchange: ChatExchange = {
        request: (await request.json()) as ChatRequest,
        stream: new ScriptedSseStream(),
        signal: request.signal,
      };
      this.chats.push(exchange);
      this.waiters.shift()?.(exchange);
      return exchange.stream.response();
    }),
  ];
}
