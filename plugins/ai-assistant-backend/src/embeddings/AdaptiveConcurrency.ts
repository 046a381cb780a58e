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
  private pauseTimer?: ReturnType<typeof setTimeout>;
  /** Calls waiting for a slot, retried ones first: a rejected call must not lose its turn. */
  private readonly queue: Array<{ start: () => void; retry: boolean }> = [];

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
      await this.acquire(attempt > 1, signal);
      try {
        const result = await call();
        this.succeeded();
        return result;
      } catch (error) {
        const delay = rateLimitDelayMs(error, attempt);
        if (delay === undefined || attempt >= MAX_ATTEMPTS) throw error;
        this.rateLimited(delay);
      } finally {
        this.active -= 1;
        this.dispatch();
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

  private acquire(retry: boolean, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const queue = this.queue;
    return new Promise<void>((resolve, reject) => {
      const entry = {
        retry,
        start: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
      };
      function abort(this: void) {
        // Aborted while waiting: it never takes a slot.
        const index = queue.indexOf(entry);
        if (index >= 0) queue.splice(index, 1);
        reject(signal!.reason);
      }
      signal?.addEventListener('abort', abort, { once: true });
      if (retry) {
        const firstFresh = this.queue.findIndex(waiting => !waiting.retry);
        this.queue.splice(
          firstFresh < 0 ? this.queue.length : firstFresh,
          0,
          entry,
        );
      } else {
        this.queue.push(entry);
      }
      this.dispatch();
    });
  }

  /** Starts waiting calls while slots are free and no rate limit pause is on. */
  private dispatch(): void {
    const pause = this.pausedUntil - this.now();
    if (pause > 0) {
      this.pauseTimer ??= setTimeout(() => {
        this.pauseTimer = undefined;
        this.dispatch();
      }, pause);
      return;
    }
    while (this.active < this.limit && this.queue.length > 0) {
      this.active += 1;
      this.queue.shift()!.start();
    }
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
