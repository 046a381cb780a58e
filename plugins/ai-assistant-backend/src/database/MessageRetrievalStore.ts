import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { Knex } from 'knex';
import { type MessageRow, UUID } from './conversationRows';

/** A row of `message_retrieval`. */
interface RetrievalRow {
  message_id: string;
  question: string;
  entity_ref: string | null;
  embedding_model: string;
  created_at: Date | string;
}

/** What an answer's retrieval was asked, to replay it (see the retrieval test). */
export interface MessageRetrieval {
  messageId: string;
  conversationId: string;
  /** The text retrieval searched. */
  question: string;
  entityRef?: string;
  /** Key of the embeddings model that embedded the question then. */
  embeddingModel: string;
  answeredAt: string;
  /** The sources the answer was given, as stored with it. */
  sources: AiAssistantSource[];
}

/** The `message_retrieval` table: one row per assistant message, deleted with it. */
export class MessageRetrievalStore {
  private constructor(private readonly knex: Knex) {}

  /** Wraps an already migrated database. */
  static create(options: { knex: Knex }): MessageRetrievalStore {
    return new MessageRetrievalStore(options.knex);
  }

  /** Records the retrieval input of a stored assistant message. */
  async record(input: {
    messageId: string;
    question: string;
    entityRef?: string;
    embeddingModel: string;
  }): Promise<void> {
    await this.knex<RetrievalRow>('message_retrieval')
      .insert({
        message_id: input.messageId,
        question: input.question,
        entity_ref: input.entityRef ?? null,
        embedding_model: input.embeddingModel,
      })
      .onConflict('message_id')
      .merge();
  }

  /**
   * The retrieval input of a message in one of the user's own conversations; undefined for
   * anybody else's message, an unknown id, or a message answered before this was recorded.
   */
  async get(
    messageId: string,
    userRef: string,
  ): Promise<MessageRetrieval | undefined> {
    // Ids that are not uuids cannot exist; asking Postgres would fail on the cast.
    if (!UUID.test(messageId)) return undefined;
    const row:
      | (RetrievalRow & Pick<MessageRow, 'conversation_id' | 'sources'>)
      | undefined = await this.knex('message_retrieval as r')
      .join('conversation as m', 'm.id', 'r.message_id')
      .join('conversations as c', 'c.id', 'm.conversation_id')
      .where({ 'r.message_id': messageId, 'c.user_ref': userRef })
      .first(
        'r.message_id',
        'm.conversation_id',
        'r.question',
        'r.entity_ref',
        'r.embedding_model',
        'r.created_at',
        'm.sources',
      );
    if (!row) return undefined;
    return {
      messageId: row.message_id,
      conversationId: row.conversation_id,
      question: row.question,
      entityRef: row.entity_ref ?? undefined,
      embeddingModel: row.embedding_model,
      answeredAt: new Date(row.created_at).toISOString(),
      sources:
        typeof row.sources === 'string' ? JSON.parse(row.sources) : row.sources,
    };
  }
}
