import { CustomErrorBase } from '@backstage/errors';

/** A user asked too often; answered with HTTP 429 and `Retry-After`. */
export class RateLimitedError extends CustomErrorBase {
  readonly statusCode = 429;
  constructor(
    readonly retryAfterSeconds: number,
    limit: { requests: number; windowMs: number },
  ) {
    super(
      `Too many chat requests: the limit is ${limit.requests} per ${limit.windowMs / 1000} seconds per user (aiAssistant.chat.rateLimit). Try again in ${retryAfterSeconds} seconds.`,
    );
    this.name = 'RateLimitedError';
  }
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets kept before full (idle) ones are dropped, so memory stays bounded. */
const SWEEP_AT = 10_000;

/**
 * A token bucket per user, in this process's memory: a user may burst up to `requests` and
 * then gets one more every `windowMs / requests`. With several backend replicas each keeps
 * its own buckets, so the effective limit is per replica (documented in configuration.md);
 * that keeps the check free of database round trips on every request.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: {
      requests: number;
      windowMs: number;
      now?: () => number;
    },
  ) {}

  /** Takes one request from the user's bucket, or throws {@link RateLimitedError}. */
  take(userRef: string): void {
    const { requests, windowMs } = this.options;
    const now = (this.options.now ?? Date.now)();
    const msPerToken = windowMs / requests;
    const bucket = this.buckets.get(userRef) ?? {
      tokens: requests,
      updatedAt: now,
    };
    bucket.tokens = Math.min(
      requests,
      bucket.tokens + (now - bucket.updatedAt) / msPerToken,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      this.buckets.set(userRef, bucket);
      throw new RateLimitedError(
        Math.max(1, Math.ceil(((1 - bucket.tokens) * msPerToken) / 1000)),
        this.options,
      );
    }
    bucket.tokens -= 1;
    this.buckets.set(userRef, bucket);
    if (this.buckets.size > SWEEP_AT) {
      this.sweep(now, msPerToken);
    }
  }

  // A bucket that would be full again carries no state worth keeping.
  private sweep(now: number, msPerToken: number) {
    for (const [user, bucket] of this.buckets) {
      if (
        bucket.tokens + (now - bucket.updatedAt) / msPerToken >=
        this.options.requests
      ) {
        this.buckets.delete(user);
      }
    }
  }
}
