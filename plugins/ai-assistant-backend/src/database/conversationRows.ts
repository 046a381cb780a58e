import type {
  ChatMessage,
  ConversationSummary,
  FeedbackReviewItem,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';

type Sources = ChatMessage['sources'];
type ToolCalls = ChatMessage['toolCalls'];
type Usage = NonNullable<ChatMessage['usage']>;

// Rows of the conversation tables as knex reads them (see migrations/), and how each
// becomes what the API returns.

/** Ids are UUIDs: anything else is answered like a missing id without asking the database. */
export const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row of `conversations`. */
export interface ConversationRow {
  id: string;
  user_ref: string;
  title: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** A row of `conversation`: one message. JSON columns are text when written. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  role: ChatMessage['role'];
  content: string;
  status: ChatMessage['status'];
  model_id: string | null;
  sources: Sources | string;
  tool_calls: ToolCalls | string;
  error: string | null;
  error_code: NonNullable<ChatMessage['errorCode']> | null;
  usage: Usage | string | null;
  created_at: Date | string;
}

/** A row of `message_feedback`: the rating of one answer. */
export interface FeedbackRow {
  message_id: string;
  user_ref: string;
  rating: 'up' | 'down';
  comment: string | null;
  created_at: Date | string;
  reviewed_at: Date | string | null;
  reviewed_by: string | null;
}

/** A thumbs-down rating with the answer and question it is about (see selectForReview). */
export interface ReviewRow {
  message_id: string;
  comment: string | null;
  rated_at: Date | string;
  reviewed_at: Date | string | null;
  reviewed_by: string | null;
  conversation_id: string;
  answer: string;
  model_id: string | null;
  sources: Sources | string;
  answered_at: Date | string;
  question: string | null;
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

// JSON columns come back parsed from pg and as text from some drivers.
function json<T>(value: T | string | null | undefined, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A conversation as the API returns it. */
export function toSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    title: row.title ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** A rating to review as the API returns it. */
export function toReviewItem(row: ReviewRow): FeedbackReviewItem {
  return {
    messageId: row.message_id,
    conversationId: row.conversation_id,
    rating: 'down',
    ...(row.comment && { comment: row.comment }),
    ratedAt: iso(row.rated_at),
    ...(typeof row.question === 'string' && { question: row.question }),
    answer: row.answer,
    ...(row.model_id && { modelId: row.model_id }),
    sources: json<Sources>(row.sources, []),
    answeredAt: iso(row.answered_at),
    ...(row.reviewed_at && {
      reviewedAt: iso(row.reviewed_at),
      reviewedBy: row.reviewed_by ?? undefined,
    }),
  };
}

/** A message as the API returns it. */
export function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    status: row.status,
    modelId: row.model_id ?? undefined,
    sources: json<Sources>(row.sources, []),
    toolCalls: json<ToolCalls>(row.tool_calls, []),
    error: row.error ?? undefined,
    ...(row.error_code && { errorCode: row.error_code }),
    usage: json<Usage | undefined>(row.usage, undefined),
    createdAt: iso(row.created_at),
  };
}
