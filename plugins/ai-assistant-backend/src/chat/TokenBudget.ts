import type { ChatErrorEventData } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { utcDay, type UsageStore } from '../database/UsageStore';
import {
  type AiAssistantMetrics,
  noopMetrics,
} from '../metrics/AiAssistantMetrics';

/**
 * The per-user daily token budget, `aiAssistant.chat.dailyTokenBudget`: the tokens in and out
 * (reported or estimated) of a user's answers since 00:00 UTC. Checked before a model is asked,
 * so the answer that crosses the budget still finishes and the next question is refused.
 */
export class TokenBudget {
  constructor(
    private readonly options: {
      store: UsageStore;
      /** Tokens per user per UTC day; no budget when left out. */
      dailyTokens?: number;
      metrics?: AiAssistantMetrics;
      /** The clock, for tests. */
      now?: () => Date;
    },
  ) {}

  /** The configured budget, if any. */
  get dailyTokens(): number | undefined {
    return this.options.dailyTokens;
  }

  /**
   * The `error` event for a user who used up today's budget, or undefined when they may ask.
   * Its message names the budget and when it resets.
   */
  async refusal(userRef: string): Promise<ChatErrorEventData | undefined> {
    const { dailyTokens, store } = this.options;
    if (dailyTokens === undefined) {
      return undefined;
    }
    const now = this.options.now?.() ?? new Date();
    const used = await store.tokensOfUser(userRef, utcDay(now));
    if (used < dailyTokens) {
      return undefined;
    }
    (this.options.metrics ?? noopMetrics).budgetRefused();
    return {
      code: 'budget_exceeded',
      message: `You have used your daily budget of ${format(dailyTokens)} tokens for the AI assistant (${format(used)} used today). It resets at 00:00 UTC, in ${untilMidnight(now)}.`,
    };
  }
}

function format(tokens: number): string {
  return tokens.toLocaleString('en-US');
}

/** Time left until the next 00:00 UTC, e.g. "3 h 20 min". */
function untilMidnight(now: Date): string {
  const midnight = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate() + 1,
  );
  const minutes = Math.max(1, Math.ceil((midnight - now.getTime()) / 60_000));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
