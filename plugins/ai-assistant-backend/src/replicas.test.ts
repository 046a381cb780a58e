import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  startChatBackend,
  waitFor,
  waitForTitle,
} from './__testUtils__/chatBackend';
import { doc } from './__testUtils__/fakes';
import { knowledgeTestDatabases } from './__testUtils__/knowledgeDatabases';
import { sharedTestCache } from './__testUtils__/sharedCache';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from './__testUtils__/ScriptedChatModel';

jest.setTimeout(180_000);

// Backstage's cache service never closes its Redis clients (a backend process just exits);
// the test closes the ones its backends opened, so the jest worker can exit cleanly.
const mockRedisClients: Array<{ disconnect(): Promise<void> }> = [];
jest.mock('@keyv/redis', () => {
  const actual = jest.requireActual('@keyv/redis');
  class ClosableKeyvRedis extends actual.default {
    constructor(...args: unknown[]) {
      super(...args);
      mockRedisClients.push(this as any);
    }
  }
  return { ...actual, __esModule: true, default: ClosableKeyvRedis };
});
afterAll(async () => {
  await Promise.allSettled(mockRedisClients.splice(0).map(c => c.disconnect()));
});

// Fails in CI when no PostgreSQL server is configured, like every Postgres suite.
const { ids } = knowledgeTestDatabases();
const postgres = ids.filter(id => id === 'POSTGRES_15');
const fresh = postgres.length
  ? TestDatabases.create({ ids: ['POSTGRES_15'] })
  : undefined;
// Redis as the Backstage cache the replicas share; also required in CI.
const redis = sharedTestCache();

function replica(
  knex: Knex,
  extra: { cache?: JsonObject; config?: JsonObject } = {},
) {
  const model = new ScriptedChatModel(messages =>
    isTitleRequest(messages) ? { tokens: ['Argo'] } : { tokens: ['Argo CD.'] },
  );
  return startChatBackend({
    knex,
    models: [scriptedModel('scripted/one', model)],
    // Backstage's real scheduler, which keeps its state in the shared database.
    features: [schedulerServiceFactory],
    cache: extra.cache,
    config: {
      ...extra.config,
      ingestion: {
        schedule: {
          frequency: { hours: 1 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 1 },
        },
      },
    },
  });
}

describe.each(postgres.map(id => [id]))(
  'several backends on one %s database',
  id => {
    it('start at the same instant on a fresh database', async () => {
      // A few rounds: a race between two startups does not show every time.
      for (let round = 0; round < 4; round++) {
        const knex = await fresh!.init(id);
        const started = await Promise.allSettled([
          replica(knex),
          replica(knex),
        ]);
        await Promise.all(
          started.map(s => (s.status === 'fulfilled' ? s.value.stop() : null)),
        );
        expect(started.map(s => s.status)).toEqual(['fulfilled', 'fulfilled']);
      }
    });

    it('run each ingestion tick on one backend and answer chat on all', async () => {
      const knex = await fresh!.init(id);
      const backends = await Promise.all([replica(knex), replica(knex)]);
      try {
        backends.forEach(b => {
          b.ingestor.documents = [doc('argo', 'Deployments use Argo CD.')];
        });
        const finishedRuns = async () =>
          Number(
            (
              await knex.raw(
                `SELECT count(*) AS n FROM ingestion_runs WHERE state <> 'running'`,
              )
            ).rows[0].n,
          );
        // The first tick comes a second after startup, the second one is triggered.
        await waitFor(async () =>
          (await finishedRuns()) >= 1 ? true : undefined,
        );
        const [first] = backends;
        const port = (first.server.address() as AddressInfo).port;
        const res = await fetch(
          `http://127.0.0.1:${port}/api/ai-assistant/ingestion/run`,
          {
            method: 'POST',
            headers: { authorization: first.auth('user:default/admin') },
          },
        );
        expect(res.status).toBe(202);
        await waitFor(async () =>
          (await finishedRuns()) >= 2 ? true : undefined,
        );

        // Each tick ran on one backend only, though both have the ingestor.
        expect(backends[0].ingestor.runs + backends[1].ingestor.runs).toBe(2);
        expect(await finishedRuns()).toBe(2);

        const answers = await Promise.all(
          backends.map(b => b.chat({ message: 'How to deploy?' })),
        );
        for (const { events } of answers) {
          expect(events.find(e => e.type === 'sources')?.data.sources).toEqual([
            expect.objectContaining({ documentId: 'argo' }),
          ]);
          expect(events.at(-1)?.type).toBe('done');
        }
        await Promise.all(backends.map(b => waitForTitle(b, 'Argo')));
      } finally {
        await Promise.all(backends.map(b => b.stop()));
      }
    });
  },
);

// Security review finding 12: the chat rate limit was kept in each process's memory, so with
// N replicas behind a load balancer a user got N times the limit.
describe.each(redis.available ? postgres.map(id => [id]) : [])(
  'Security review 12: several backends on one %s database and one Redis cache',
  id => {
    it("hold one user's chat rate limit across both backends", async () => {
      const knex = await fresh!.init(id);
      const cache = await redis.init();
      const limit = {
        chat: { rateLimit: { requests: 4, window: { hours: 1 } } },
      };
      const backends = await Promise.all([
        replica(knex, { cache, config: limit }),
        replica(knex, { cache, config: limit }),
      ]);
      try {
        const ask = (n: number) =>
          request(backends[n % 2].server)
            .post('/api/ai-assistant/chat')
            .set('Authorization', backends[n % 2].auth('user:default/a'))
            .send({ message: `question ${n}` });
        // Alternately to each backend: four answers, then 429 from either.
        for (let n = 0; n < 4; n++) {
          expect((await ask(n)).status).toBe(200);
        }
        for (const n of [4, 5]) {
          const limited = await ask(n);
          expect(limited.status).toBe(429);
          expect(limited.body.error.message).toMatch(
            /the limit is 4 per 3600 seconds per user \(aiAssistant\.chat\.rateLimit\)/,
          );
          expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        }
        // Another user has their own limit.
        const other = await backends[1].chat(
          { message: 'How to deploy?' },
          { user: 'user:default/b' },
        );
        expect(other.events.at(-1)?.type).toBe('done');
        await Promise.all([
          waitForTitle(backends[0], 'Argo'),
          waitForTitle(backends[1], 'Argo', 'user:default/b'),
        ]);
      } finally {
        await Promise.all(backends.map(b => b.stop()));
      }
    });
  },
);
