import type {
  ChatApprovalRequest,
  ChatErrorCode,
  ChatMessage,
  ChatMessageStatus,
  ChatToolCall,
  ChatUsage,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import {
  BaseMessage,
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
  StoredMessage,
} from '@langchain/core/messages';
import type { Knex } from 'knex';
import type { PausePoint } from '../chat/streamAnswer';
import {
  type ConversationRow,
  type MessageRow,
  UUID,
} from './conversationRows';

/** A paused answer's pending approval with what continues its model loop. */
export interface PendingApproval {
  approval: ChatApprovalRequest;
  conversationId: string;
  messageId: string;
  modelId: string;
  point: PausePoint;
  /** What the model had seen when it paused. */
  messages: BaseMessage[];
}

/** A just-decided approval: the pending one and what its message held so far. */
export interface DecidedApproval extends PendingApproval {
  decision: 'approved' | 'denied';
  answer: { content: string; toolCalls: ChatToolCall[]; usage?: ChatUsage };
}

/** How a continued answer ended, written over its paused message. */
export interface FinishedAnswer {
  content: string;
  status: ChatMessageStatus;
  modelId?: string;
  toolCalls: ChatToolCall[];
  usage?: ChatUsage;
  error?: string;
  errorCode?: ChatErrorCode;
}

const TABLE = 'conversation_action_approvals';

/** What continues a paused answer, as stored (JSON) until its approval is decided. */
interface ResumeState {
  modelId: string;
  point: PausePoint;
  messages: StoredMessage[];
}

/** A row of `conversation_action_approvals`. JSON columns are text when written. */
interface ApprovalRow {
  id: string;
  conversation_id: string;
  message_id: string;
  action_id: string;
  title: string;
  description: string | null;
  input: ChatApprovalRequest['input'] | string;
  attributes: ChatApprovalRequest['attributes'] | string;
  resume_state: ResumeState | string | null;
  decision: 'approved' | 'denied' | null;
  decided_at: Date | string | null;
}

/**
 * The `conversation_action_approvals` table: action calls of the model that wait for (or got)
 * the user's decision, part of the conversation tables (deleted with their conversation and
 * message). Callers check that the conversation is the user's first (ConversationStore).
 */
export class ActionApprovalStore {
  private constructor(private readonly knex: Knex) {}

  /** Wraps an already migrated database. */
  static create(options: { knex: Knex }): ActionApprovalStore {
    return new ActionApprovalStore(options.knex);
  }

  /** Stores the pending approval of a paused answer, whose message is already stored. */
  async add(pending: PendingApproval): Promise<void> {
    const { approval } = pending;
    await this.knex<ApprovalRow>(TABLE).insert({
      id: approval.id,
      conversation_id: pending.conversationId,
      message_id: pending.messageId,
      action_id: approval.actionId,
      title: approval.title,
      description: approval.description ?? null,
      input: JSON.stringify(approval.input),
      attributes: JSON.stringify(approval.attributes),
      resume_state: JSON.stringify({
        modelId: pending.modelId,
        point: pending.point,
        messages: mapChatMessagesToStoredMessages(pending.messages),
      }),
    });
  }

  /** The messages with the pending approval of each paused one, for showing them again. */
  async withPendingApprovals(messages: ChatMessage[]): Promise<ChatMessage[]> {
    const paused = messages.filter(m => m.status === 'awaiting_approval');
    if (paused.length === 0) return messages;
    const rows = await this.knex<ApprovalRow>(TABLE)
      .whereIn(
        'message_id',
        paused.map(m => m.id),
      )
      .whereNull('decision');
    const byMessage = new Map(rows.map(row => [row.message_id, row]));
    return messages.map(message => {
      const row = byMessage.get(message.id);
      return row ? { ...message, pendingApproval: toApproval(row) } : message;
    });
  }

  /** The undecided approval of a conversation, if one waits. */
  async pendingIn(
    conversationId: string,
  ): Promise<ChatApprovalRequest | undefined> {
    const row = await this.knex<ApprovalRow>(TABLE)
      .where({ conversation_id: conversationId })
      .whereNull('decision')
      .first();
    return row ? toApproval(row) : undefined;
  }

  /**
   * An approval of the conversation (its action, and whether it was decided already);
   * undefined for an unknown id.
   */
  async find(
    conversationId: string,
    approvalId: string,
  ): Promise<{ actionId: string; decided: boolean } | undefined> {
    const row = UUID.test(approvalId)
      ? await this.knex<ApprovalRow>(TABLE)
          .where({ id: approvalId, conversation_id: conversationId })
          .first('action_id', 'decision')
      : undefined;
    return row
      ? { actionId: row.action_id, decided: row.decision !== null }
      : undefined;
  }

  /**
   * Records the decision if none was made yet, and returns the pending approval to continue
   * from; undefined when someone decided first (only one decision ever wins). The paused
   * message becomes `aborted` until the continued answer is stored, so a crash midway never
   * leaves it waiting for a decision that was already taken.
   */
  async decide(
    conversationId: string,
    approvalId: string,
    decision: 'approved' | 'denied',
  ): Promise<DecidedApproval | undefined> {
    return this.knex.transaction(async trx => {
      // Locked, so of two decisions at once the second waits and then finds it decided.
      const row = await trx<ApprovalRow>(TABLE)
        .where({ id: approvalId, conversation_id: conversationId })
        .whereNull('decision')
        .forUpdate()
        .first();
      if (!row) return undefined;
      await trx<ApprovalRow>(TABLE).where({ id: approvalId }).update({
        decision,
        decided_at: trx.fn.now(),
        resume_state: null,
      });
      const [message]: Array<
        Pick<MessageRow, 'content' | 'tool_calls' | 'usage'>
      > = await trx<MessageRow>('conversation')
        .where({ id: row.message_id })
        .update({ status: 'aborted' })
        .returning(['content', 'tool_calls', 'usage']);
      const state = json<ResumeState>(row.resume_state);
      return {
        decision,
        approval: toApproval(row),
        conversationId,
        messageId: row.message_id,
        modelId: state.modelId,
        point: state.point,
        messages: mapStoredMessagesToChatMessages(state.messages),
        answer: {
          content: message.content,
          toolCalls: json<ChatToolCall[] | null>(message.tool_calls) ?? [],
          usage: json<ChatUsage | null>(message.usage) ?? undefined,
        },
      };
    });
  }

  /** Writes a continued answer over its paused message and marks the conversation active. */
  async finishMessage(
    conversationId: string,
    messageId: string,
    answer: FinishedAnswer,
  ): Promise<void> {
    await this.knex.transaction(async trx => {
      await trx<MessageRow>('conversation')
        .where({ id: messageId, conversation_id: conversationId })
        .update({
          content: answer.content,
          status: answer.status,
          model_id: answer.modelId ?? null,
          tool_calls: JSON.stringify(answer.toolCalls),
          usage: answer.usage ? JSON.stringify(answer.usage) : null,
          error: answer.error ?? null,
          error_code: answer.errorCode ?? null,
        });
      await trx<ConversationRow>('conversations')
        .where({ id: conversationId })
        .update({ updated_at: trx.fn.now() });
    });
  }
}

// JSON columns come back parsed from pg and as text from some drivers.
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toApproval(row: ApprovalRow): ChatApprovalRequest {
  return {
    id: row.id,
    actionId: row.action_id,
    title: row.title,
    ...(row.description && { description: row.description }),
    input: json(row.input),
    attributes: json(row.attributes),
  };
}
