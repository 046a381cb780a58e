import { NotFoundError } from '@backstage/errors';
import type {
  ChatMessage,
  ConversationListResponse,
  ConversationSummary,
  FeedbackReviewItem,
  FeedbackReviewListResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor, escapeLike } from './conversationCursor';
import {
  ConversationMessages,
  type NewChatMessage,
} from './ConversationMessages';
import { type ConversationRow, toSummary, UUID } from './conversationRows';
import { MessageFeedback } from './MessageFeedback';

export type { NewChatMessage } from './ConversationMessages';

/**
 * The `conversations`, `conversation` (messages) and `message_feedback` tables. Every read and
 * write that takes an id also takes the user, and a conversation or message of another user is
 * reported exactly like a missing one, so ids cannot be probed. Conversations are kept here;
 * messages and ratings in ConversationMessages and MessageFeedback, behind this one API.
 */
export class ConversationStore {
  private readonly messages: ConversationMessages;
  private readonly feedback: MessageFeedback;

  private constructor(private readonly knex: Knex) {
    this.messages = new ConversationMessages(knex);
    this.feedback = new MessageFeedback(knex);
  }

  /** Wraps an already migrated database. */
  static create(options: { knex: Knex }): ConversationStore {
    return new ConversationStore(options.knex);
  }

  /** Starts a conversation for a user. */
  async createConversation(
    userRef: string,
    title: string | null,
  ): Promise<ConversationSummary> {
    const [row] = await this.knex<ConversationRow>('conversations')
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
      ? await this.knex<ConversationRow>('conversations')
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
      const query = this.knex<ConversationRow>('conversations').where({
        user_ref: userRef,
      });
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
    const [row] = await this.knex<ConversationRow>('conversations')
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
    const updated: unknown[] = await this.knex<ConversationRow>('conversations')
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
      ? await this.knex<ConversationRow>('conversations')
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
    const deleted: unknown[] = await this.knex<ConversationRow>('conversations')
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
      const ids = this.knex<ConversationRow>('conversations')
        .select('id')
        .where('updated_at', '<', cutoff)
        .limit(batchSize);
      const deleted: unknown[] = await this.knex<ConversationRow>(
        'conversations',
      )
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
  addMessage(
    conversationId: string,
    message: NewChatMessage,
  ): Promise<ChatMessage> {
    return this.messages.add(conversationId, message);
  }

  /** The messages of a conversation of the user, oldest first. */
  async listMessages(
    conversationId: string,
    userRef: string,
  ): Promise<ChatMessage[]> {
    await this.getConversation(conversationId, userRef);
    return this.messages.list(conversationId);
  }

  /**
   * One page of the messages of a conversation of the user, oldest first: the newest `limit`,
   * or the `limit` before the message `before`, each answer with the user's rating of it.
   * Ordered like {@link ConversationStore.listMessages}, by creation time then id, so the
   * cursor is stable while new messages arrive.
   */
  async listMessagesPage(
    conversationId: string,
    userRef: string,
    page: { limit: number; before?: string },
  ): Promise<{ messages: ChatMessage[]; hasOlderMessages: boolean }> {
    await this.getConversation(conversationId, userRef);
    const found = await this.messages.page(conversationId, page);
    return {
      messages: await this.feedback.attachTo(found.messages),
      hasOlderMessages: found.hasOlderMessages,
    };
  }

  /**
   * Stores the user's rating of an assistant message of one of their conversations; a second
   * rating replaces the first.
   */
  rateMessage(
    messageId: string,
    userRef: string,
    feedback: { rating: 'up' | 'down'; comment?: string },
  ): Promise<void> {
    return this.feedback.rate(messageId, userRef, feedback);
  }

  /**
   * One page of the thumbs-down ratings (of every user) for admins to review, newest rating
   * first, each with the question, the answer, its sources and model.
   */
  listFeedbackForReview(page: {
    limit: number;
    offset: number;
    status: 'unreviewed' | 'reviewed' | 'all';
  }): Promise<FeedbackReviewListResponse> {
    return this.feedback.listForReview(page);
  }

  /**
   * Marks a thumbs-down rating reviewed by an admin; marking it again keeps the first review.
   * NotFoundError when the message has no thumbs-down rating.
   */
  markFeedbackReviewed(
    messageId: string,
    reviewerRef: string,
  ): Promise<FeedbackReviewItem> {
    return this.feedback.markReviewed(messageId, reviewerRef);
  }

  /** The stored rating of a message, for tests and reports. */
  getFeedback(
    messageId: string,
  ): Promise<{ rating: string; comment?: string } | undefined> {
    return this.feedback.get(messageId);
  }
}
