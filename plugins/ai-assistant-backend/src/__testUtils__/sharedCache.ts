import { TestCaches } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { randomUUID } from 'node:crypto';

const REDIS_ENV = 'BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING';

/**
 * A Redis server for suites that run several backends on one shared Backstage cache, as
 * production replicas share theirs. Uses `BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING`
 * (`npm test` starts one with `.ci/setup-redis.sh`); in CI a missing server is an error, never
 * a skip. Call at the top level of a test file.
 */
export function sharedTestCache() {
  const available = Boolean(process.env[REDIS_ENV]);
  if (!available && process.env.CI) {
    throw new Error(
      `${REDIS_ENV} is not set: CI must run the shared-cache suites (see .ci/setup-redis.sh)`,
    );
  }
  if (!available) {
    // eslint-disable-next-line no-console
    console.warn(
      `${REDIS_ENV} is not set: the shared-cache suites are skipped. Run \`npm test\` from the repository root to start a local Redis.`,
    );
  }
  const caches = available
    ? TestCaches.create({ ids: ['REDIS_7'] })
    : undefined;
  return {
    available,
    /**
     * `backend.cache` config for every backend of one test: the shared Redis under a key
     * namespace of its own, so nothing is left from earlier tests or runs.
     */
    async init(): Promise<JsonObject> {
      const { store, connection } = await caches!.init('REDIS_7');
      return {
        store,
        connection,
        redis: { client: { namespace: `test-${randomUUID()}` } },
      };
    },
  };
}
