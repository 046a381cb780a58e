import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
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

type Bucket = { tokens: number; updatedAt: number };

/**
 * A token bucket per user: a user may burst up to `requests` and then gets one more every
 * `windowMs / requests`. Buckets live in Backstage's cache service, so every backend replica
 * sharing that cache (`backend.cache.store: redis`, `valkey` or `memcache`) counts against
 * one limit; with the default in-memory cache each replica keeps its own. The cache has no
 * atomic update, so requests of one user arriving at the same instant may each see the same
 * bucket: a simultaneous burst can exceed the limit by its own size, a sequence never can.
 * A bucket left alone for a window is full again, so that is its cache TTL.
 */
export class RateLimiter {
  constructor(
    private readonly options: {
      requests: number;
      windowMs: number;
      cache: CacheService;
      /** Told when the cache fails; the request is then let through. */
      logger?: LoggerService;
      now?: () => number;
    },
  ) {}

  /** Takes one request from the user's bucket, or throws {@link RateLimitedError}. */
  async take(userRef: string): Promise<void> {
    const retryAfterSeconds = await this.consume(userRef);
    if (retryAfterSeconds !== undefined) {
      throw new RateLimitedError(retryAfterSeconds, this.options);
    }
  }

  /** Takes one request from the user's bucket if there is one left; says whether it did. */
  async tryTake(userRef: string): Promise<boolean> {
    return (await this.consume(userRef)) === undefined;
  }

  /** Takes a token; when none is left, answers the seconds until the next one. */
  private async consume(userRef: string): Promise<number | undefined> {
    const { requests, windowMs, cache } = this.options;
    const now = (this.options.now ?? Date.now)();
    const msPerToken = windowMs / requests;
    const key = `rate-limit:chat:${userRef}`;
    let stored: Bucket | undefined;
    try {
      stored = await cache.get<Bucket>(key);
    } catch (error) {
      // A cache outage must not take chat down with it; the limit is a guard, not a gate.
      this.options.logger?.warn(
        `AI assistant rate limit not checked: the cache failed: ${error}`,
      );
      return undefined;
    }
    const bucket = {
      tokens: Math.min(
        requests,
        (stored?.tokens ?? requests) +
          (now - (stored?.updatedAt ?? now)) / msPerToken,
      ),
      updatedAt: now,
    };
    const allowed = bucket.tokens >= 1;
    if (allowed) {
      bucket.tokens -= 1;
    }
    try {
      await cache.set(key, { ...bucket }, { ttl: windowMs });
    } catch (error) {
      this.options.logger?.warn(
        `AI assistant rate limit not recorded: the cache failed: ${error}`,
      );
    }
    return allowed
      ? undefined
      : Math.max(1, Math.ceil(((1 - bucket.tokens) * msPerToken) / 1000));
  }
}
