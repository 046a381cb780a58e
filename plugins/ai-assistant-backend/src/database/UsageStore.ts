import type {
  ChatMessageStatus,
  UsageFigures,
  UsageRow,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { Knex } from 'knex';

/** The usage of one answer, as recorded. */
export interface AnswerUsage {
  /** The assistant message's id. */
  messageId: string;
  userRef: string;
  modelId: string;
  inputTokens: number;
  outputTokens: number;
  /** Whether the provider reported no usage, so the tokens are estimates. */
  estimated: boolean;
  status: ChatMessageStatus;
  /** Answered by another model after the first one(s) failed. */
  fallback: boolean;
  /** When the answer was given; its UTC day is what counts. Default: now. */
  at?: Date;
}

/** A row of `chat_usage`: one answer. */
interface ChatUsageRow {
  message_id: string;
  /** A date; written as YYYY-MM-DD. */
  day: string | Date;
  user_ref: string;
  model_id: string;
  input_tokens: number;
  output_tokens: number;
  estimated: boolean;
  status: ChatMessageStatus;
  fallback: boolean;
  feedback: 'up' | 'down' | null;
}

/** The aggregates of figures(), by column; counts and sums come as strings from Postgres. */
type FigureColumns = Record<string, string | number | null>;

/** The UTC day of a time, as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The `chat_usage` table: per answer, the user, model, UTC day, tokens and outcome. Holds no
 * message text, so it can be kept for accounting after conversations are deleted.
 */
export class UsageStore {
  private constructor(private readonly knex: Knex) {}

  /** Wraps an already migrated database. */
  static create(options: { knex: Knex }): UsageStore {
    return new UsageStore(options.knex);
  }

  /**
   * Records one answer. Recording the same message again (an answer that paused for an
   * action's approval and then went on) replaces its tokens, estimate mark and outcome with
   * the new totals, and keeps its day, user, fallback and rating.
   */
  async record(usage: AnswerUsage): Promise<void> {
    await this.knex<ChatUsageRow>('chat_usage')
      .insert({
        message_id: usage.messageId,
        day: utcDay(usage.at ?? new Date()),
        user_ref: usage.userRef,
        model_id: usage.modelId,
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        estimated: usage.estimated,
        status: usage.status,
        fallback: usage.fallback,
      })
      .onConflict('message_id')
      .merge(['input_tokens', 'output_tokens', 'estimated', 'status']);
  }

  /** Keeps the rating of an answer; a later rating replaces an earlier one. */
  async recordFeedback(
    messageId: string,
    rating: 'up' | 'down',
  ): Promise<void> {
    await this.knex<ChatUsageRow>('chat_usage')
      .where({ message_id: messageId })
      .update({ feedback: rating });
  }

  /** Tokens in and out of a user's answers on one UTC day. */
  async tokensOfUser(userRef: string, day: string): Promise<number> {
    const row = await this.knex<ChatUsageRow>('chat_usage')
      .where({ user_ref: userRef, day })
      .sum({ tokens: this.knex.raw('input_tokens + output_tokens') })
      .first();
    return Number(row?.tokens ?? 0);
  }

  /**
   * Usage per UTC day and model from `from` to `to` (YYYY-MM-DD, both included), oldest day
   * first, and the totals of the range (distinct users counted over the whole range).
   */
  async report(
    from: string,
    to: string,
  ): Promise<{ rows: UsageRow[]; totals: UsageFigures }> {
    const inRange = () =>
      this.knex<ChatUsageRow>('chat_usage').whereBetween('day', [from, to]);
    const [rows, [totals]] = await Promise.all([
      inRange()
        .select<Array<FigureColumns & { day: string; model_id: string }>>(
          this.knex.raw(`to_char(day, 'YYYY-MM-DD') as day`),
          'model_id',
          ...this.figures(),
        )
        .groupBy('day', 'model_id')
        .orderBy([
          { column: 'day', order: 'asc' },
          { column: 'model_id', order: 'asc' },
        ]),
      inRange().select<FigureColumns[]>(...this.figures()),
    ]);
    return {
      rows: rows.map(row => ({
        day: row.day,
        modelId: row.model_id,
        ...toFigures(row),
      })),
      totals: toFigures(totals),
    };
  }

  // Aggregates of UsageFigures; Postgres returns counts and sums as strings (bigint, numeric).
  private figures(): Knex.Raw[] {
    const raw = (sql: string) => this.knex.raw(sql);
    return [
      raw('count(*) as chats'),
      raw('count(distinct user_ref) as users'),
      raw('coalesce(sum(input_tokens), 0) as input_tokens'),
      raw('coalesce(sum(output_tokens), 0) as output_tokens'),
      raw('count(*) filter (where estimated) as estimated_chats'),
      raw(
        'coalesce(sum(input_tokens) filter (where estimated), 0) as estimated_input_tokens',
      ),
      raw(
        'coalesce(sum(output_tokens) filter (where estimated), 0) as estimated_output_tokens',
      ),
      raw(`count(*) filter (where status = 'error') as errors`),
      raw('count(*) filter (where fallback) as fallbacks'),
      raw(`count(*) filter (where feedback = 'up') as feedback_up`),
      raw(`count(*) filter (where feedback = 'down') as feedback_down`),
    ];
  }
}

function toFigures(row: FigureColumns): UsageFigures {
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    chats: n('chats'),
    users: n('users'),
    inputTokens: n('input_tokens'),
    outputTokens: n('output_tokens'),
    estimatedChats: n('estimated_chats'),
    estimatedInputTokens: n('estimated_input_tokens'),
    estimatedOutputTokens: n('estimated_output_tokens'),
    errors: n('errors'),
    fallbacks: n('fallbacks'),
    feedbackUp: n('feedback_up'),
    feedbackDown: n('feedback_down'),
  };
}
