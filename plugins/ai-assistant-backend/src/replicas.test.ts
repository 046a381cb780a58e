import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import {
  startChatBackend,
  waitFor,
  waitForTitle,
} from './__testUtils__/chatBackend';
import { doc } from './__testUtils__/fakes';
import { knowledgeTestDatabases } from './__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from './__testUtils__/ScriptedChatModel';

jest.setTimeout(180_000);

// Fails in CI when no PostgreSQL server is configured, like every Postgres suite.
const { ids } = knowledgeTestDatabases();
const postgres = ids.filter(id => id === 'POSTGRES_15');
const fresh = postgres.length
  ? TestDatabases.create({ ids: ['POSTGRES_15'] })
  : undefined;

function replica(knex: Knex) {
  const model = new ScriptedChatModel(messages =>
    isTitleRequest(messages) ? { tokens: ['Argo'] } : { tokens: ['Argo CD.'] },
  );
  return startChatBackend({
    knex,
    models: [scriptedModel('scripted/one', model)],
    // Backstage's real scheduler, which keeps its state in the shared database.
    features: [schedulerServiceFactory],
    config: {
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
