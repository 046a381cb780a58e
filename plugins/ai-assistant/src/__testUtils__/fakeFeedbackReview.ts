import type {
  FeedbackReviewItem,
  FeedbackReviewListResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { http, HttpResponse } from 'msw';
import { BASE_URL } from './apis';
import { errorResponse } from './fakeBackend';

/** A thumbs-down answer for review, numbered `n`: the higher, the newer its rating. */
export function reviewItem(
  n: number,
  extra: Partial<FeedbackReviewItem> = {},
): FeedbackReviewItem {
  const at = new Date(Date.UTC(2026, 11, 1, 0, n)).toISOString();
  return {
    messageId: `m${n}`,
    conversationId: `c${n}`,
    rating: 'down',
    ratedAt: at,
    question: `Question ${n}`,
    answer: `Answer ${n}`,
    modelId: 'ollama/llama3.1',
    sources: [],
    answeredAt: at,
    ...extra,
  };
}

/**
 * `GET /admin/feedback` and `POST /admin/feedback/:id/reviewed` over an in-memory list, with
 * the backend's filter, newest-first order and paging; records every query and mark.
 */
export class FakeFeedbackReview {
  items: FeedbackReviewItem[] = [];
  readonly queries: URLSearchParams[] = [];
  readonly marked: string[] = [];
  /** Who the fake says marked an item reviewed. */
  reviewer = 'user:default/admin';

  readonly handlers = [
    http.get(`${BASE_URL}/admin/feedback`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      this.queries.push(query);
      const status = query.get('status') ?? 'unreviewed';
      const limit = Number(query.get('limit') ?? 20);
      const offset = Number(query.get('offset') ?? 0);
      const matching = this.items
        .filter(
          item =>
            status === 'all' ||
            (status === 'reviewed') === Boolean(item.reviewedAt),
        )
        .sort((a, b) => b.ratedAt.localeCompare(a.ratedAt));
      const page: FeedbackReviewListResponse = {
        items: matching.slice(offset, offset + limit),
        total: matching.length,
        limit,
        offset,
      };
      return HttpResponse.json(page);
    }),
    http.post(`${BASE_URL}/admin/feedback/:id/reviewed`, ({ params }) => {
      const item = this.items.find(i => i.messageId === params.id);
      if (!item) {
        return errorResponse(
          404,
          'NotFoundError',
          `No thumbs-down rating of message ${params.id}`,
        );
      }
      this.marked.push(item.messageId);
      item.reviewedAt ??= new Date().toISOString();
      item.reviewedBy ??= this.reviewer;
      return HttpResponse.json(item);
    }),
  ];
}
