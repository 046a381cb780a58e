import { InputError } from '@backstage/errors';
import type { ChatMessage } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  type ConversationRow,
  type MessageRow,
  toMessage,
  UUID,
} from './conversationRows';

/**
 * A message to append to a conversation: a ChatMessage without what the store sets. Status,
 * sources and tool calls default to complete, none and none.
 */
export interface NewChatMessage
  extends
    Pick<
      ChatMessage,
      'role' | 'content' | 'modelId' | 'error' | 'errorCode' | 'usage'
    >,
    Partial<Pick<ChatMessage, 'status' | 'sources' | 'toolCalls'>> {
  /** Given by the caller when it must be known before the message is written. */
  id?: string;
}

/**
 * The `conversation` table: the messages of conversations, in order. Callers check that the
 * conversation is the user's first (see ConversationStore).
 */
export class ConversationMessages {
  constructor(private readonly knex: Knex) {}

  /**
   * Appends a message and marks the conversation active. Messages are ordered by creation
   * time, so a message written after another gets a later time even within one millisecond.
   */
  async add(
    conversationId: string,
    message: NewChatMessage,
  ): Promise<ChatMessage> {
    return this.knex.transaction(async trx => {
      const last = await trx<MessageRow>('conversation')
        .where({ conversation_id: conversationId })
        .max({ latest: 'created_at' })
        .first();
      const now = new Date();
      const latest = last?.latest ? new Date(last.latest) : undefined;
      const createdAt =
        latest && latest >= now ? new Date(latest.getTime() + 1) : now;
      const [row] = await trx<MessageRow>('conversation')
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
      await trx<ConversationRow>('conversations')
        .where({ id: conversationId })
        .update({ updated_at: createdAt });
      return toMessage(row);
    });
  }

  /** The messages of a conversation, oldest first. */
  async list(conversationId: string): Promise<ChatMessage[]> {
    const rows = await this.knex<MessageRow>('conversation')
      .where({ conversation_id: conversationId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toMessage);
  }

  /**
   * One page of the messages of a conversation, oldest first: the newest `limit`, or the
   * `limit` before the message `before`. Ordered like {@link ConversationMessages.list}, by
   * creation time then id, so the cursor is stable while new messages arrive.
   */
  async page(
    conversationId: string,
    page: { limit: number; before?: string },
  ): Promise<{ messages: ChatMessage[]; hasOlderMessages: boolean }> {
    const query = this.knex<MessageRow>('conversation').where({
      conversation_id: conversationId,
    });
    if (page.before !== undefined) {
      const cursor = UUID.test(page.before)
        ? await this.knex<MessageRow>('conversation')
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
}
