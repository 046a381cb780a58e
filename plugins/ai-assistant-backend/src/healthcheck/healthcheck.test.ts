import {
  BackendFeature,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { aiAssistantModuleHealthcheck } from './healthcheckModule';

jest.setTimeout(120_000);

// Fails in CI when no PostgreSQL server is configured, like every Postgres suite.
const { ids } = knowledgeTestDatabases();
const hasPostgres = ids.includes('POSTGRES_15');
const databases = hasPostgres
  ? TestDatabases.create({ ids: ['POSTGRES_15'] })
  : undefined;
const describePostgres = hasPostgres ? describe : describe.skip;

/** The backend an adopter runs: the plugin, an embeddings module and the healthcheck. */
const startBackend = (knex?: Knex, features: BackendFeature[] = []) =>
  startChatBackend({
    models: null,
    knex,
    features: [aiAssistantModuleHealthcheck, ...features],
  });

/** A plugin that reports the test backend's URL as soon as the server listens. */
function serverUrlProbe() {
  let resolve!: (url: string) => void;
  const url = new Promise<string>(r => {
    resolve = r;
  });
  const feature = createBackendPlugin({
    pluginId: 'server-url-probe',
    register(env) {
      env.registerInit({
        deps: { discovery: coreServices.discovery },
        async init({ discovery }) {
          resolve(new URL(await discovery.getBaseUrl('x')).origin);
        },
      });
    },
  });
  return { feature, url };
}

/** A connection to the server's maintenance database, to take a database away and back. */
function adminConnection(): Knex {
  return knexFactory({
    client: 'pg',
    connection:
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
    pool: { min: 0, max: 1 },
  });
}

const databaseName = (knex: Knex) =>
  (knex.client.config.connection as { database: string }).database;

describePostgres('GET /healthcheck on PostgreSQL', () => {
  it('answers 503 while the assistant is still starting, then 200', async () => {
    const knex = await databases!.init('POSTGRES_15');
    // Another replica is migrating: it holds the plugin's startup lock, so this backend's
    // assistant waits before its migrations, and the server already listens.
    const otherReplica = await knex.transaction();
    await otherReplica.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
      'ai-assistant:migrate',
    ]);
    const probe = serverUrlProbe();
    const started = startBackend(knex, [probe.feature]);
    const url = await probe.url;

    // The route is mounted before any plugin starts, so the first probe gets our answer.
    const whileStarting = await fetch(`${url}/healthcheck`);
    expect(whileStarting.status).toBe(503);
    expect(await whileStarting.json()).toEqual({
      status: 'error',
      message: 'Backend has not started yet',
    });

    await otherReplica.commit();
    const { server } = await started;
    const ready = await request(server).get('/healthcheck');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok' });
    expect(ready.headers['cache-control']).toBe('no-store');
  });

  describe('once started', () => {
    let knex: Knex;
    let admin: Knex;
    let server: Awaited<ReturnType<typeof startBackend>>['server'];

    beforeAll(async () => {
      knex = await databases!.init('POSTGRES_15');
      admin = adminConnection();
      ({ server } = await startBackend(knex));
    });
    afterAll(async () => {
      await admin
        .raw(`ALTER DATABASE "${databaseName(knex)}" ALLOW_CONNECTIONS true`)
        .finally(() => admin.destroy());
    });

    it('answers 200 without a token', async () => {
      const res = await request(server).get('/healthcheck');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('answers 503 while the database is unreachable, and 200 once it is back', async () => {
      const name = databaseName(knex);
      await admin.raw(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.raw(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
        [name],
      );

      const down = await waitFor(async () => {
        const res = await request(server).get('/healthcheck');
        return res.status === 200 ? undefined : res;
      });
      expect(down.status).toBe(503);
      expect(down.body).toEqual({
        status: 'error',
        message: "The AI assistant's database is not reachable",
      });
      // The public answer never carries the driver's error (hosts, users, database names).
      expect(JSON.stringify(down.body)).not.toContain(name);

      await admin.raw(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await waitFor(async () => {
        const res = await request(server).get('/healthcheck');
        return res.status === 200 ? true : undefined;
      });
    });

    it('answers 503 when the database does not answer within 3 s', async () => {
      // A migration elsewhere holds the table the probe reads.
      const migration = await knex.transaction();
      await migration.raw(
        'LOCK TABLE ai_assistant_knex_migrations IN ACCESS EXCLUSIVE MODE',
      );
      try {
        const res = await request(server).get('/healthcheck');
        expect(res.status).toBe(503);
        expect(res.body).toEqual({
          status: 'error',
          message: "The AI assistant's database did not answer within 3000 ms",
        });
      } finally {
        await migration.commit();
      }
      await waitFor(async () => {
        const res = await request(server).get('/healthcheck');
        return res.status === 200 ? true : undefined;
      });
    });

    it('answers 503 naming the migration the database lacks', async () => {
      const newest = await knex('ai_assistant_knex_migrations')
        .orderBy('name', 'desc')
        .first();
      await knex('ai_assistant_knex_migrations')
        .where({ id: newest.id })
        .delete();
      try {
        const res = await request(server).get('/healthcheck');
        expect(res.status).toBe(503);
        expect(res.body.message).toContain(
          `lacks 1 migration(s) of this version (${newest.name})`,
        );
        expect(res.body.message).toContain('skipMigrations');
      } finally {
        await knex('ai_assistant_knex_migrations').insert(newest);
      }
      expect((await request(server).get('/healthcheck')).status).toBe(200);
    });
  });
});

describe('GET /healthcheck with the embedded knowledge store', () => {
  it('answers 200 once started', async () => {
    const { server } = await startBackend();
    const res = await request(server).get('/healthcheck');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
