import { InputError, NotFoundError } from '@backstage/errors';
import type {
  AiAssistantSource,
  ChatErrorCode,
  ChatMessage,
  ChatMessageStatus,
  ChatToolCall,
  ChatUsage,
  ConversationListResponse,
  ConversationSummary,
  FeedbackReviewItem,
  FeedbackReviewListResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

/** A message to append to a conversation. */
export interface NewChatMessage {
  /** Given by the caller when it must be known before the message is written. */
  id?: string;
  role: 'user' | 'assistant';
  content: string;
  status?: ChatMessageStatus;
  modelId?: string;
  sources?: AiAssistantSource[];
  toolCalls?: ChatToolCall[];
  error?: string;
  errorCode?: ChatErrorCode;
  usage?: ChatUsage;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `conversations`, `conversation` (messages) and `message_feedback` tables. Every read and
 * write that takes an id also takes the user, and a conversation or message of another user is
 * reported exactly like a missing one, so ids cannot be probed.
 */
export class ConversationStore {
  private constructor(private readonly knex: Knex) {}

  /** Wraps an already migrated database. */
  static create(options: { knex: Knex }): ConversationStore {
    return new ConversationStore(options.knex);
  }

  /** Starts a conversation for a user. */
  async createConversation(
    userRef: string,
    title: string | null,
  ): Promise<ConversationSummary> {
    const [row] = await this.knex('conversations')
      .insert({ id: randomUUID(), user_ref: userRef, title })
      .returning('*');
    return toSummary(row);
  }

  /** A conversation of the user; NotFoundError when it is missing or someone else's. */
  async getConversation(
    id: string,
    userRef: string,
  ): Promise<ConversationSummary> {
    const row = UUID.test(id)
      ? await this.knex('conversations')
          .where({ id, user_ref: userRef })
          .first()
      : undefined;
    if (!row) {
      throw new NotFoundError(`Conversation ${id} not found`);
    }
    return toSummary(row);
  }

  /**
   * The user's conversations, most recently active first; with `query`, only those whose title
   * contains it (any case). Pages by `offset`, or by `before`: the `nextCursor` of the previous
   * page, a keyset on (updated_at, id) that neither skips nor repeats conversations when others
   * move to the top between pages.
   */
  async listConversations(
    userRef: string,
    page: { limit: number; offset: number; q?: string; before?: string },
  ): Promise<ConversationListResponse> {
    const mine = () => {
      const query = this.knex('conversations').where({ user_ref: userRef });
      if (page.q) {
        query.whereILike('title', `%${escapeLike(page.q)}%`);
      }
      return query;
    };
    const rows = mine()
      .select(
        '*',
        // The cursor needs the time to the microsecond: a JS Date would round it to the
        // millisecond and skip conversations active within the same millisecond.
        this.knex.raw(
          `to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`,
        ),
      )
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(page.limit + 1)
      .offset(page.offset);
    if (page.before !== undefined) {
      const cursor = decodeCursor(page.before);
      rows.whereRaw('(updated_at, id) < (?::timestamptz, ?::uuid)', [
        cursor.at,
        cursor.id,
      ]);
    }
    const [found, [{ count }]] = await Promise.all([
      rows,
      mine().count({ count: '*' }),
    ]);
    const last = found.length > page.limit ? found[page.limit - 1] : undefined;
    return {
      conversations: found.slice(0, page.limit).map(toSummary),
      total: Number(count),
      limit: page.limit,
      offset: page.offset,
      ...(last && { nextCursor: encodeCursor(last.cursor_at, last.id) }),
    };
  }

  /** Renames a conversation of the user. */
  async renameConversation(
    id: string,
    userRef: string,
    title: string,
  ): Promise<ConversationSummary> {
    await this.getConversation(id, userRef);
    const [row] = await this.knex('conversations')
      .where({ id, user_ref: userRef })
      .update({ title, updated_at: this.knex.fn.now() })
      .returning('*');
    return toSummary(row);
  }

  /**
   * Replaces a generated title, unless the title changed meanwhile (e.g. the user renamed the
   * conversation while the title was being generated).
   */
  async replaceTitle(
    id: string,
    expected: string | null,
    title: string,
  ): Promise<boolean> {
    // Counted through RETURNING: the embedded driver does not report affected rows.
    const updated: unknown[] = await this.knex('conversations')
      .where({ id })
      .andWhere(query =>
        expected === null
          ? query.whereNull('title')
          : query.where({ title: expected }),
      )
      .update({ title }, ['id']);
    return updated.length > 0;
  }

  /** Deletes a conversation of the user with its messages and their feedback. */
  async deleteConversation(id: string, userRef: string): Promise<void> {
    const deleted: unknown[] = UUID.test(id)
      ? await this.knex('conversations')
          .where({ id, user_ref: userRef })
          .delete(['id'])
      : [];
    if (deleted.length === 0) {
      throw new NotFoundError(`Conversation ${id} not found`);
    }
  }

  /**
   * Deletes every conversation of the user, with their messages and feedback.
   * Returns how many conversations went.
   */
  async deleteAllConversations(userRef: string): Promise<number> {
    const deleted: unknown[] = await this.knex('conversations')
      .where({ user_ref: userRef })
      .delete(['id']);
    return deleted.length;
  }

  /**
   * Deletes the conversations (of every user) with no activity since `cutoff`, in batches so
   * a large purge never holds one long lock. Returns how many conversations went.
   */
  async purgeInactiveSince(cutoff: Date, batchSize = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = this.knex('conversations')
        .select('id')
        .where('updated_at', '<', cutoff)
        .limit(batchSize);
      const deleted: unknown[] = await this.knex('conversations')
        .whereIn('id', ids)
        .delete(['id']);
      total += deleted.length;
      if (deleted.length < batchSize) {
        return total;
      }
    }
  }

  /**
   * Appends a message and marks the conversation active. Messages are ordered by creation
   * time, so a message written after another gets a later time even within one millisecond.
   */
  async addMessage(
    conversationId: string,
    message: NewChatMessage,
  ): Promise<ChatMessage> {
    return this.knex.transaction(async trx => {
      const last = await trx('conversation')
        .where({ conversation_id: conversationId })
        .max({ latest: 'created_at' })
        .first();
      const now = new Date();
      const latest = last?.latest ? new Date(last.latest) : undefined;
      const createdAt =
        latest && latest >= now ? new Date(latest.getTime() + 1) : now;
      const [row] = await trx('conversation')
        .insert({
          id: message.id ?? randomUUID(),
          conversation_id: conversationId,
          role: message.role,
          content: message.content,
          status: message.status ?? 'complete',
          model_id: message.modelId ?? null,
          sources: JSON.stringify(message.sources ?? []),
          tool_calls: JSON.stringify(message.toolCalls ?? []),
          error: message.error ?? null,
          error_code: message.errorCode ?? null,
          usage: message.usage ? JSON.stringify(message.usage) : null,
          created_at: createdAt,
        })
        .returning('*');
      await trx('conversations')
        .where({ id: conversationId })
        .update({ updated_at: createdAt });
      return toMessage(row);
    });
  }

  /** The messages of a conversation of the user, oldest first. */
  async listMessages(
    conversationId: string,
    userRef: string,
  ): Promise<ChatMessage[]> {
    await this.getConversation(conversationId, userRef);
    const rows = await this.knex('conversation')
      .where({ conversation_id: conversationId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toMessage);
  }

  /**
   * One page of the messages of a conversation of the user, oldest first: the newest `limit`,
   * or the `limit` before the message `before`. Ordered like {@link listMessages}, by creation
   * time then id, so the cursor is stable while new messages arrive.
   */
  async listMessagesPage(
    conversationId: string,
    userRef: string,
    page: { limit: number; before?: string },
  ): Promise<{ messages: ChatMessage[]; hasOlderMessages: boolean }> {
    await this.getConversation(conversationId, userRef);
    const query = this.knex('conversation').where({
      conversation_id: conversationId,
    });
    if (page.before !== undefined) {
      const cursor = UUID.test(page.before)
        ? await this.knex('conversation')
            .where({ id: page.before, conversation_id: conversationId })
            .first('created_at', 'id')
        : undefined;
      if (!cursor) {
        throw new InputError(
          `Invalid query: before: ${page.before} is not a message of this conversation`,
        );
      }
      query.where(older =>
        older
          .where('created_at', '<', cursor.created_at)
          .orWhere(tie =>
            tie
              .where('created_at', '=', cursor.created_at)
              .andWhere('id', '<', cursor.id),
          ),
      );
    }
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(page.limit + 1);
    return {
      messages: await this.withFeedback(
        rows.slice(0, page.limit).reverse().map(toMessage),
      ),
      hasOlderMessages: rows.length > page.limit,
    };
  }

  // The page shows the chosen thumb again after a reload.
  private async withFeedback(messages: ChatMessage[]): Promise<ChatMessage[]> {
    const answers = messages.filter(m => m.role === 'assistant');
    if (answers.length === 0) return messages;
    const rows = await this.knex('message_feedback')
      .whereIn(
        'message_id',
        answers.map(m => m.id),
      )
      .select('message_id', 'rating', 'comment');
    const byId = new Map(rows.map(row => [row.message_id, row]));
    return messages.map(message => {
      const row = byId.get(message.id);
      return row
        ? {
            ...message,
            feedback: {
              rating: row.rating,
              ...(row.comment && { comment: row.comment }),
            },
          }
        : message;
    });
  }

  /**
   * Stores the user's rating of an assistant message of one of their conversations; a second
   * rating replaces the first.
   */
  async rateMessage(
    messageId: string,
    userRef: string,
    feedback: { rating: 'up' | 'down'; comment?: string },
  ): Promise<void> {
    const message = UUID.test(messageId)
      ? await this.knex('conversation as m')
          .join('conversations as c', 'c.id', 'm.conversation_id')
          .where({ 'm.id': messageId, 'c.user_ref': userRef })
          .first('m.role')
      : undefined;
    if (!message) {
      throw new NotFoundError(`Message ${messageId} not found`);
    }
    if (message.role !== 'assistant') {
      throw new InputError('Only answers of the assistant can be rated');
    }
    await this.knex('message_feedback')
      .insert({
        message_id: messageId,
        user_ref: userRef,
        rating: feedback.rating,
        comment: feedback.comment ?? null,
        created_at: this.knex.fn.now(),
        // A changed rating or comment needs a new look from the admins.
        reviewed_at: null,
        reviewed_by: null,
      })
      .onConflict('message_id')
      .merge();
  }

  /**
   * One page of the thumbs-down ratings (of every user) for admins to review, newest rating
   * first, each with the question, the answer, its sources and model.
   */
  async listFeedbackForReview(page: {
    limit: number;
    offset: number;
    status: 'unreviewed' | 'reviewed' | 'all';
  }): Promise<FeedbackReviewListResponse> {
    const matching = () => {
      const query = this.knex('message_feedback as f').where(
        'f.rating',
        'down',
      );
      if (page.status === 'unreviewed') query.whereNull('f.reviewed_at');
      if (page.status === 'reviewed') query.whereNotNull('f.reviewed_at');
      return query;
    };
    const [rows, [{ count }]] = await Promise.all([
      this.selectForReview(matching())
        .orderBy([
          { column: 'f.created_at', order: 'desc' },
          { column: 'f.message_id', order: 'desc' },
        ])
        .limit(page.limit)
        .offset(page.offset),
      matching().count({ count: '*' }),
    ]);
    return {
      items: rows.map(toReviewItem),
      total: Number(count),
      limit: page.limit,
      offset: page.offset,
    };
  }

  /**
   * Marks a thumbs-down rating reviewed by an admin; marking it again keeps the first review.
   * NotFoundError when the message has no thumbs-down rating.
   */
  async markFeedbackReviewed(
    messageId: string,
    reviewerRef: string,
  ): Promise<FeedbackReviewItem> {
    const missing = new NotFoundError(
      `No thumbs-down rating of message ${messageId}`,
    );
    if (!UUID.test(messageId)) throw missing;
    const rated = () =>
      this.knex('message_feedback as f').where({
        'f.message_id': messageId,
        'f.rating': 'down',
      });
    await rated()
      .whereNull('f.reviewed_at')
      .update({ reviewed_at: this.knex.fn.now(), reviewed_by: reviewerRef });
    const row = await this.selectForReview(rated()).first();
    if (!row) {
      throw missing;
    }
    return toReviewItem(row);
  }

  // The rated answer with the question it replied to: the user message just before it.
  private selectForReview(ratings: Knex.QueryBuilder): Knex.QueryBuilder {
    return ratings.join('conversation as m', 'm.id', 'f.message_id').select(
      'f.message_id',
      'f.comment',
      'f.created_at as rated_at',
      'f.reviewed_at',
      'f.reviewed_by',
      'm.conversation_id',
      'm.content as answer',
      'm.model_id',
      'm.sources',
      'm.created_at as answered_at',
      this.knex.raw(
        `(SELECT q.content FROM conversation q
             WHERE q.conversation_id = m.conversation_id AND q.role = 'user'
               AND (q.created_at, q.id) < (m.created_at, m.id)
             ORDER BY q.created_at DESC, q.id DESC LIMIT 1) AS question`,
      ),
    );
  }

  /** The stored rating of a message, for tests and reports. */
  async getFeedback(
    messageId: string,
  ): Promise<{ rating: string; comment?: string } | undefined> {
    const row = await this.knex('message_feedback')
      .where({ message_id: messageId })
      .first();
    return row
      ? { rating: row.rating, comment: row.comment ?? undefined }
      : undefined;
  }
}

/** `text` for a LIKE pattern that matches it literally (backslash is Postgres' escape). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, match => `\\${match}`);
}

const CURSOR_TIME = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// Opaque to clients, so the paging key can change without changing the API.
function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .split('|');
  if (
    rest.length > 0 ||
    !CURSOR_TIME.test(at ?? '') ||
    !isRealTime(at) ||
    !UUID.test(id ?? '')
  ) {
    throw new InputError(
      'Invalid query: before: not a nextCursor of this API; use the nextCursor of the previous page',
    );
  }
  return { at, id };
}

// E.g. February 30th passes the pattern but would make the database fail.
function isRealTime(at: string): boolean {
  const millis = `${at.slice(0, 23)}Z`;
  const parsed = new Date(millis);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === millis;
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function toSummary(row: any): ConversationSummary {
  return {
    id: row.id,
    title: row.title ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

// JSON columns come back parsed from pg and as text from some drivers.
function json<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toReviewItem(row: any): FeedbackReviewItem {
  return {
    messageId: row.message_id,
    conversationId: row.conversation_id,
    rating: 'down',
    ...(row.comment && { comment: row.comment }),
    ratedAt: iso(row.rated_at),
    ...(typeof row.question === 'string' && { question: row.question }),
    answer: row.answer,
    ...(row.model_id && { modelId: row.model_id }),
    sources: json(row.sources, []),
    answeredAt: iso(row.answered_at),
    ...(row.reviewed_at && {
      reviewedAt: iso(row.reviewed_at),
      reviewedBy: row.reviewed_by,
    }),
  };
}

function toMessage(row: any): ChatMessage {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    status: row.status,
    modelId: row.model_id ?? undefined,
    sources: json(row.sources, []),
    toolCalls: json(row.tool_calls, []),
    error: row.error ?? undefined,
    ...(row.error_code && { errorCode: row.error_code }),
    usage: json(row.usage, undefined),
    createdAt: iso(row.created_at),
  };
}
