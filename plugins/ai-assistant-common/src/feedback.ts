import { z } from 'zod';
import type { AiAssistantSource } from './types';

/**
 * The longest comment `POST /messages/:id/feedback` accepts: room for a few sentences, not
 * for pasted logs, so a review list stays readable.
 *
 * @public
 */
export const MAX_FEEDBACK_COMMENT_LENGTH = 2000;

/**
 * A user's rating of an assistant message, as stored and as `GET /conversations/:id` returns
 * it with the message, so the page shows the chosen thumb after a reload.
 *
 * @public
 */
export interface MessageFeedback {
  rating: 'up' | 'down';
  /** What the user said was wrong (or right), when they said it. */
  comment?: string;
}

/**
 * Query of `GET /admin/feedback`. `status` picks the ratings not yet marked reviewed (the
 * default: what still needs a look), those already reviewed, or all.
 *
 * @public
 */
export const listFeedbackReviewQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    status: z.enum(['unreviewed', 'reviewed', 'all']).default('unreviewed'),
  })
  .strict();

/** @public */
export type ListFeedbackReviewQuery = z.input<
  typeof listFeedbackReviewQuerySchema
>;

/**
 * One thumbs-down answer for review: what was asked, what was answered from which sources by
 * which model, and what the user said was wrong. The user is left out on purpose: reviewing
 * an answer does not need to know who asked.
 *
 * @public
 */
export interface FeedbackReviewItem {
  /** The rated assistant message; the id for `POST /admin/feedback/:id/reviewed`. */
  messageId: string;
  conversationId: string;
  rating: 'down';
  /** The user's reason, when they gave one. */
  comment?: string;
  /** When the user rated (or last re-rated) the answer. */
  ratedAt: string;
  /** The user's question the answer replied to; absent if it is gone. */
  question?: string;
  answer: string;
  /** The model that wrote the answer, when known. */
  modelId?: string;
  /** The sources the answer was given, as the user saw them. */
  sources: AiAssistantSource[];
  answeredAt: string;
  /** When and by whom it was marked reviewed; absent while unreviewed. */
  reviewedAt?: string;
  reviewedBy?: string;
}

/**
 * Answer of `GET /admin/feedback`: one page, newest rating first.
 *
 * @public
 */
export interface FeedbackReviewListResponse {
  items: FeedbackReviewItem[];
  /** How many ratings match `status` in all. */
  total: number;
  limit: number;
  offset: number;
}
