import { InputError, NotFoundError } from '@backstage/errors';
import type {
  ChatMessage,
  FeedbackReviewItem,
  FeedbackReviewListResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { Knex } from 'knex';
import {
  type ConversationRow,
  type FeedbackRow,
  type MessageRow,
  type ReviewRow,
  toReviewItem,
  UUID,
} from './conversationRows';

/**
 * The `message_feedback` table: users' ratings of answers, and the admins' review of the
 * thumbs-down ones.
 */
export class MessageFeedback {
  constructor(private readonly knex: Knex) {}

  /** The messages with the user's rating of each answer, so a reload shows the chosen thumb. */
  async attachTo(messages: ChatMessage[]): Promise<ChatMessage[]> {
    const answers = messages.filter(m => m.role === 'assistant');
    if (answers.length === 0) return messages;
    const rows = await this.knex<FeedbackRow>('message_feedback')
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
  async rate(
    messageId: string,
    userRef: string,
    feedback: { rating: 'up' | 'down'; comment?: string },
  ): Promise<void> {
    const message: Pick<MessageRow, 'role'> | undefined = UUID.test(messageId)
      ? await this.knex<MessageRow & Pick<ConversationRow, 'user_ref'>>(
          'conversation as m',
        )
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
    await this.knex<FeedbackRow>('message_feedback')
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
  async listForReview(page: {
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
      matching().count<Array<{ count: string | number }>>({ count: '*' }),
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
  async markReviewed(
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

  /** The stored rating of a message, for tests and reports. */
  async get(
    messageId: string,
  ): Promise<{ rating: string; comment?: string } | undefined> {
    const row = await this.knex<FeedbackRow>('message_feedback')
      .where({ message_id: messageId })
      .first();
    return row
      ? { rating: row.rating, comment: row.comment ?? undefined }
      : undefined;
  }

  // The rated answer with the question it replied to: the user message just before it.
  private selectForReview(
    ratings: Knex.QueryBuilder,
  ): Knex.QueryBuilder<ReviewRow, ReviewRow[]> {
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
}
