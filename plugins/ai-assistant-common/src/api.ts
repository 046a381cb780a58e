import { z } from 'zod';
import type { AiAssistantSource } from './types';
import { MAX_FEEDBACK_COMMENT_LENGTH, type MessageFeedback } from './feedback';
import type { JsonObject } from '@backstage/types';

/**
 * Body of `POST /chat`. Strict: unknown fields (e.g. `role`) are rejected, so clients cannot
 * smuggle system or assistant messages into the conversation. The message length limit is
 * configured on the server (`aiAssistant.chat.maxMessageLength`) and checked there.
 *
 * @public
 */
export const chatRequestSchema = z
  .object({
    message: z
      .string()
      .refine(value => value.trim().length > 0, 'message must not be empty'),
    conversationId: z.string().uuid().optional(),
    modelId: z.string().min(1).max(200).optional(),
    /**
     * Answers the conversation's last question again: `message` must be that question. The
     * earlier exchange stays stored but is left out of what the model sees, so the new answer
     * does not lean on the old one.
     */
    regenerate: z.boolean().optional(),
    /**
     * The catalog entity the question is about, as a full entity ref `kind:namespace/name`
     * (e.g. from the "Ask about this entity" card): retrieval favours that entity's knowledge
     * and the prompt names it. Kind and namespace are compared case-insensitively, as in the
     * catalog, so they are lower-cased here.
     */
    entityRef: z
      .string()
      .max(500, 'entityRef must be at most 500 characters')
      .regex(
        /^[\w.-]+:[\w.-]+\/[\w.-]+$/,
        'entityRef must be a full entity ref kind:namespace/name, e.g. component:default/my-service',
      )
      .transform(ref => {
        const [kindAndNamespace, name] = ref.split('/');
        return `${kindAndNamespace.toLocaleLowerCase('en-US')}/${name}`;
      })
      .optional(),
  })
  .strict();

/** @public */
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/**
 * Body of `PATCH /conversations/:id`.
 *
 * @public
 */
export const renameConversationRequestSchema = z
  .object({ title: z.string().trim().min(1).max(200) })
  .strict();

/**
 * Body of `POST /messages/:id/feedback`.
 *
 * @public
 */
export const feedbackRequestSchema = z
  .object({
    rating: z.enum(['up', 'down']),
    // Blank is no comment, so the review list does not show empty reasons.
    comment: z
      .string()
      .trim()
      .max(
        MAX_FEEDBACK_COMMENT_LENGTH,
        `comment must be at most ${MAX_FEEDBACK_COMMENT_LENGTH} characters`,
      )
      .optional()
      .transform(value => value || undefined),
  })
  .strict();

/** @public */
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

/**
 * Query of `GET /conversations`. `q` keeps the conversations whose title contains it (any
 * case; blank means all). `before` is the `nextCursor` of the previous page: the page then
 * holds the conversations last active before that page's last one, so paging stays exact while
 * conversations move to the top. `offset` is the older way to page and cannot be combined with
 * `before`.
 *
 * @public
 */
export const listConversationsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
    q: z
      .string()
      .trim()
      .max(200, 'q must be at most 200 characters')
      .optional()
      .transform(value => value || undefined),
    before: z
      .string()
      .min(1, 'before must be the nextCursor of a previous page')
      .max(200, 'before must be the nextCursor of a previous page')
      .optional(),
  })
  .strict()
  .refine(query => query.before === undefined || query.offset === 0, {
    message: 'give either before or offset, not both',
    path: ['before'],
  });

/**
 * Query of `GET /conversations/:id`: the newest `limit` messages, or with `before` (the id of a
 * message of the conversation, usually the oldest one shown) the `limit` messages before it.
 *
 * @public
 */
export const getConversationQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.string().uuid().optional(),
  })
  .strict();

/**
 * A model the user may pick, from `GET /models`.
 *
 * @public
 */
export interface AiAssistantModelInfo {
  id: string;
  displayName: string;
  /**
   * Whether the model's server answered a recent check (made at most every 30 seconds, costing
   * no tokens). Absent when the model's provider has no such check.
   */
  reachable?: boolean;
  /**
   * Why the model cannot answer right now, in words for users (no addresses or settings), when
   * `reachable` is false. Admins find the details in `GET /health`.
   */
  unreachableReason?: string;
}

/**
 * Answer of `GET /examples`: questions about knowledge that is indexed and the caller may read.
 *
 * @public
 */
export interface ExampleQuestionsResponse {
  /** Up to four; none when nothing the caller may read is indexed yet. */
  questions: string[];
}

/**
 * Answer of `GET /models`: the default model comes first.
 *
 * @public
 */
export interface ModelsResponse {
  models: AiAssistantModelInfo[];
  /** Undefined when no model provider is installed. */
  defaultModelId?: string;
  /**
   * Longest question `POST /chat` accepts, in characters (`aiAssistant.chat.maxMessageLength`);
   * longer ones get HTTP 413. Undefined from servers older than this field.
   */
  maxMessageLength?: number;
}

/**
 * A conversation as listed by `GET /conversations`.
 *
 * @public
 */
export interface ConversationSummary {
  id: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * How an answer ended: `complete`, stopped by the user (`aborted`), failed (`error`), or
 * paused until the user approves or denies an action the model wants to run
 * (`awaiting_approval`, see {@link ChatApprovalRequest}).
 *
 * @public
 */
export type ChatMessageStatus =
  'complete' | 'aborted' | 'error' | 'awaiting_approval';

/**
 * A tool call the model made while answering.
 *
 * @public
 */
export interface ChatToolCall {
  name: string;
  input: unknown;
  status: 'started' | 'succeeded' | 'failed';
  /** For a call that needed approval: what the user decided. */
  approval?: 'approved' | 'denied';
}

/**
 * An action the model asked to run that is not declared read-only: the answer pauses until
 * the user approves or denies it (`POST /conversations/:conversationId/approvals/:id`), and
 * only then runs it, with exactly `input`.
 *
 * @public
 */
export interface ChatApprovalRequest {
  /** Identifies this pending call; used in the decision's URL. */
  id: string;
  /** The Actions Registry id of the action, e.g. `catalog:register-entity`. */
  actionId: string;
  /** The action's human title. */
  title: string;
  description?: string;
  /** The exact arguments the action will run with if approved. */
  input: JsonObject;
  attributes: { readOnly: boolean; destructive: boolean; idempotent: boolean };
}

/**
 * Body of `POST /conversations/:conversationId/approvals/:approvalId`. The answer is an SSE
 * stream that continues the paused assistant message, with the events of `POST /chat` from
 * `tool` on (no `conversation` event).
 *
 * @public
 */
export const approvalDecisionRequestSchema = z
  .object({ decision: z.enum(['approve', 'deny']) })
  .strict();

/** @public */
export type ApprovalDecisionRequest = z.infer<
  typeof approvalDecisionRequestSchema
>;

/**
 * Token usage reported by the model, when it reports any.
 *
 * @public
 */
export interface ChatUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/**
 * One message of a conversation, from `GET /conversations/:id`.
 *
 * @public
 */
export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: ChatMessageStatus;
  modelId?: string;
  sources: AiAssistantSource[];
  toolCalls: ChatToolCall[];
  error?: string;
  /** The `code` of the `error` event the answer ended with, so it shows as it did live. */
  errorCode?: ChatErrorCode;
  usage?: ChatUsage;
  /** Present while `status` is `awaiting_approval`: the call waiting for the user's decision. */
  pendingApproval?: ChatApprovalRequest;
  /** The user's rating of an assistant message, when they rated it. */
  feedback?: MessageFeedback;
  createdAt: string;
}

/**
 * Answer of `GET /conversations/:id`: one page of messages, oldest first.
 *
 * @public
 */
export interface ConversationDetails extends ConversationSummary {
  messages: ChatMessage[];
  /**
   * Whether the conversation has messages older than the first of this page; ask for them
   * with `before` set to that message's id.
   */
  hasOlderMessages: boolean;
}

/**
 * The Server-Sent Events of `POST /chat`, in order: `conversation`, `sources`, any number of
 * `delta` and `tool`, and last `done` or `error`. An answer that pauses for the user's
 * approval sends `approval` and then `done` with status `awaiting_approval`.
 *
 * @public
 */
export type ChatStreamEvent =
  | {
      type: 'conversation';
      data: { conversationId: string; messageId: string };
    }
  | { type: 'sources'; data: { sources: AiAssistantSource[] } }
  | { type: 'delta'; data: { text: string } }
  | { type: 'tool'; data: ChatToolCall }
  | { type: 'approval'; data: ChatApprovalRequest }
  | {
      type: 'done';
      data: {
        messageId: string;
        usage?: ChatUsage;
        /** `awaiting_approval` when the answer paused after an `approval` event. */
        status?: 'complete' | 'awaiting_approval';
      };
    }
  | { type: 'error'; data: ChatErrorEventData };

/**
 * Data of the `error` event: a message for the user that never contains provider internals
 * (endpoints, upstream answers) and, for failures an administrator may need to look into, the
 * id under which the backend logged the full error (the message names it too).
 *
 * @public
 */
export interface ChatErrorEventData {
  message: string;
  code: ChatErrorCode;
  errorId?: string;
}

/**
 * Why an answer failed: no model provider installed, every model failed before answering,
 * or the model failed midway.
 *
 * @public
 */
export type ChatErrorCode =
  | 'no_model_provider'
  | 'models_unavailable'
  | 'model_error'
  | 'internal_error'
  /** The user used up `aiAssistant.chat.dailyTokenBudget` for today; no model was asked. */
  | 'budget_exceeded';

/**
 * Answer of `GET /conversations`: one page of the caller's conversations, newest first.
 *
 * @public
 */
export interface ConversationListResponse {
  conversations: ConversationSummary[];
  /** How many conversations the caller has in all (that match `q`, when given). */
  total: number;
  limit: number;
  offset: number;
  /**
   * Present when there are older conversations than this page's last: pass it as `before` to
   * get the next page.
   */
  nextCursor?: string;
}
