import { z } from 'zod';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Longest range `GET /admin/usage` reports at once, in days.
 *
 * @public
 */
export const MAX_USAGE_RANGE_DAYS = 366;

const day = (name: string) =>
  z
    .string()
    .regex(DAY, `${name} must be a day as YYYY-MM-DD`)
    .refine(
      value =>
        !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
        new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
      `${name} must be a real calendar day`,
    );

/**
 * Query of `GET /admin/usage`: UTC days, both included. Without `to` the report ends today;
 * without `from` it starts 29 days before `to` (30 days in all).
 *
 * @public
 */
export const usageQuerySchema = z
  .object({
    from: day('from').optional(),
    to: day('to').optional(),
  })
  .strict();

/** @public */
export type UsageQuery = z.infer<typeof usageQuerySchema>;

/**
 * Usage of one model on one UTC day, or of every model over the whole range (`totals`).
 * Counts only: never message text or who the users are.
 *
 * @public
 */
export interface UsageFigures {
  /** Answers given (one per question asked, including failed and stopped ones). */
  chats: number;
  /** Distinct users who asked. */
  users: number;
  inputTokens: number;
  outputTokens: number;
  /** Answers whose tokens the provider did not report, so they were estimated. */
  estimatedChats: number;
  /** How many of `inputTokens` were estimated. */
  estimatedInputTokens: number;
  /** How many of `outputTokens` were estimated. */
  estimatedOutputTokens: number;
  /** Answers that ended with an error. */
  errors: number;
  /** Answers given by another model after the first one(s) failed. */
  fallbacks: number;
  feedbackUp: number;
  feedbackDown: number;
}

/**
 * One row of the usage report.
 *
 * @public
 */
export interface UsageRow extends UsageFigures {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  modelId: string;
}

/**
 * Answer of `GET /admin/usage`: per day and model, oldest day first, and totals of the range.
 *
 * @public
 */
export interface UsageResponse {
  from: string;
  to: string;
  rows: UsageRow[];
  totals: UsageFigures;
  /** `aiAssistant.chat.dailyTokenBudget`, when set: tokens per user per UTC day. */
  dailyTokenBudget?: number;
}
