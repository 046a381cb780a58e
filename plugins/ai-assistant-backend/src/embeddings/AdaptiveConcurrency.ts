/** Attempts of one call that the provider rate-limits before its error is passed on. */
const MAX_ATTEMPTS = 8;
/** Backoff when a rate limit names no Retry-After: doubles per attempt from the first… */
const BASE_DELAY_MS = 500;
/** …up to this. */
const MAX_DELAY_MS = 30_000;

/**
 * Runs provider calls concurrently at the rate the provider accepts: up to `ceiling` at once,
 * finding the level by additive increase (one more after as many successes in a row as run at
 * once) and multiplicative decrease (halved on a rate limit, HTTP 429). A rate limit also
 * pauses every call, not only the rejected one, until the provider's `Retry-After` (or an
 * exponential backoff when it names none), then the call is retried: resuming all at once
 * would only be rejected again.
 */
export class AdaptiveConcurrency {
  private limit: number;
  private active = 0;
  private successes = 0;
  private pausedUntil = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly ceiling: number,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = Math.min(2, ceiling);
  }

  /** How many calls may run at once right now. */
  get concurrency(): number {
    return this.limit;
  }

  /** Runs `call`, waiting for a free slot and retrying it when it is rate-limited. */
  async run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.acquire(signal);
      try {
        const result = await call();
        this.succeeded();
        return result;
      } catch (error) {
        const delay = rateLimitDelayMs(error, attempt);
        if (delay === undefined || attempt >= MAX_ATTEMPTS) throw error;
        this.rateLimited(delay);
      } finally {
        this.release();
      }
    }
  }

  private succeeded(): void {
    this.successes += 1;
    if (this.successes >= this.limit) {
      this.successes = 0;
      this.limit = Math.min(this.ceiling, this.limit + 1);
    }
  }

  private rateLimited(delayMs: number): void {
    const now = this.now();
    // Calls in flight when the limit was hit are rejected together: one halving for all.
    if (now >= this.pausedUntil) {
      this.limit = Math.max(1, Math.floor(this.limit / 2));
    }
    this.successes = 0;
    this.pausedUntil = Math.max(this.pausedUntil, now + delayMs);
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const pause = this.pausedUntil - this.now();
      if (pause > 0) {
        await sleep(pause, signal);
        continue;
      }
      if (this.active < this.limit) {
        this.active += 1;
        return;
      }
      await new Promise<void>(resolve => this.waiting.push(resolve));
    }
  }

  private release(): void {
    this.active -= 1;
    // Everyone waiting looks again: the limit may have grown by more than one slot.
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/**
 * How long to wait before retrying a call that failed, when it failed for a rate limit
 * (HTTP 429): what the provider asked for (`retryAfterMs`, which ProviderError reads from
 * `retry-after-ms` / `Retry-After`), else an exponential backoff with jitter. Undefined for
 * any other failure.
 */
export function rateLimitDelayMs(
  error: unknown,
  attempt: number,
): number | undefined {
  const { status, retryAfterMs } = (error ?? {}) as {
    status?: unknown;
    retryAfterMs?: unknown;
  };
  if (status !== 429) return undefined;
  if (typeof retryAfterMs === 'number') return retryAfterMs;
  const backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return backoff / 2 + Math.random() * (backoff / 2);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
