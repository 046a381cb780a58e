/** What a tool-call budget needs of the chat rate limiter. */
export interface ToolCallRateLimit {
  /** Takes one request from the user's chat rate limit if one is left; says whether it did. */
  tryTake(userRef: string): Promise<boolean>;
}

/** The caps on tool calls, from `aiAssistant.tools`. */
export interface ToolCallLimits {
  /** Most tool calls run of one model turn (`maxCallsPerRound`). */
  maxCallsPerRound: number;
  /** Most tool calls run in one answer, over every round and fallback model (`maxCallsPerAnswer`). */
  maxCallsPerAnswer: number;
}

/**
 * Decides which tool calls of one answer run. A model may ask for any number of calls in one
 * turn; each can cost a search or a call to another system, so one chat request must not turn
 * into hundreds. Calls over a cap are not run, and the model is told why, so it can answer with
 * what it has. Every call after the first of an answer also takes one request from the user's
 * chat rate limit: a chat request that fans out costs as much as the requests it stands for.
 */
export class ToolCallBudget {
  private used: number;

  constructor(
    private readonly options: ToolCallLimits & {
      userRef: string;
      rateLimit?: ToolCallRateLimit;
      /** Calls the answer already made, when it continues after the user's approval. */
      alreadyUsed?: number;
    },
  ) {
    this.used = options.alreadyUsed ?? 0;
  }

  /** How many calls of the answer were admitted so far. */
  get callsUsed(): number {
    return this.used;
  }

  /**
   * Admits the call at `indexInRound` (0-based) of the current round: undefined when it may
   * run, else the reason it may not, in words for the model.
   */
  async admit(indexInRound: number): Promise<string | undefined> {
    const { maxCallsPerRound, maxCallsPerAnswer, rateLimit, userRef } =
      this.options;
    // The answer's cap first: once it is reached, fewer calls per round would not help.
    if (this.used >= maxCallsPerAnswer) {
      return `Not run: at most ${maxCallsPerAnswer} tool calls per answer (aiAssistant.tools.maxCallsPerAnswer) have been made. Answer with the results you have.`;
    }
    if (indexInRound >= maxCallsPerRound) {
      return `Not run: at most ${maxCallsPerRound} tool calls per round (aiAssistant.tools.maxCallsPerRound). Use the results you have, or ask for fewer calls at a time.`;
    }
    if (this.used >= 1 && rateLimit && !(await rateLimit.tryTake(userRef))) {
      return 'Not run: the user has used up their chat rate limit (aiAssistant.chat.rateLimit), of which every tool call after the first of an answer takes one request. Answer with the results you have.';
    }
    this.used += 1;
    return undefined;
  }
}
