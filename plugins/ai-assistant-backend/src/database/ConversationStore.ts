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
      messages: rows.slice(0, page.limit).reverse().map(toMessage),
      hasOlderMessages: rows.length > page.limit,
    };
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
      })
      .onConflict('message_id')
      .merge();
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
