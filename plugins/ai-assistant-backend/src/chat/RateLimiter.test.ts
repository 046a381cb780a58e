import type { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { RateLimiter } from './RateLimiter';

describe('RateLimiter', () => {
  it('refills one request every window / requests', async () => {
    let now = 0;
    const limiter = new RateLimiter({
      requests: 2,
      windowMs: 10_000,
      cache: memoryCache(),
      now: () => now,
    });
    await limiter.take('a');
    await limiter.take('a');
    await expect(limiter.take('a')).rejects.toThrow(/Try again in 5 seconds/);
    now = 5_000;
    await limiter.take('a');
    await expect(limiter.take('a')).rejects.toThrow(/429|Too many/);
    expect(await limiter.tryTake('b')).toBe(true);
  });

  it('lets requests through, with a warning, when the cache fails', async () => {
    const logger = mockServices.logger.mock();
    const limiter = new RateLimiter({
      requests: 1,
      windowMs: 10_000,
      cache: {
        ...memoryCache(),
        get: async () => {
          throw new Error('connection refused');
        },
      },
      logger,
    });
    await limiter.take('a');
    await limiter.take('a');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('the cache failed: Error: connection refused'),
    );
  });
});

/** A CacheService over a Map, without expiry: enough for the limiter's arithmetic. */
function memoryCache(): CacheService {
  const values = new Map<string, any>();
  const cache: CacheService = {
    get: async key => values.get(key),
    set: async (key, value) => {
      values.set(key, value);
    },
    delete: async key => {
      values.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}
