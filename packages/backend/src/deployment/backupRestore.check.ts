// Not a *.test.ts (see below), so lint takes it for production code; it only ever runs in jest.
/* eslint-disable @backstage/no-undeclared-imports */
import type { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

/*
 * Backup and restore as docs/deployment.md ("Backup and recovery") tells operators to do it, in
 * both of Backstage's layouts (a database per plugin, or one database with a schema per
 * plugin): ingest a corpus through the real pipeline into one database, back the assistant's
 * tables up with pg_dump, restore them into a new database with psql, start a backend on the
 * restored copy and ask the same questions: the sources (ids, order, scores) must be the same.
 *
 * Run by scripts/check-backup-restore.sh (CI runs it from scripts/test.sh); it needs a
 * PostgreSQL server with pgvector and the pg_dump/psql clients, so it is not a *.test.ts.
 */

jest.setTimeout(300_000);

const server = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
if (!server) {
  throw new Error(
    'Set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to a PostgreSQL server with pgvector',
  );
}

const component = (name: string, description: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', description },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

const entities = [
  component(
    'payments',
    'Takes card payments, issues refunds and settles with the bank nightly.',
  ),
  component(
    'lunch-bot',
    'Posts the cafeteria lunch menu to chat every morning.',
  ),
  component(
    'search-api',
    'Full-text and semantic search over product documentation.',
  ),
  component(
    'billing',
    'Creates invoices from usage records and sends them by email.',
  ),
  component('deploy-gate', 'Blocks deployments while an incident is open.'),
  component(
    'auth-proxy',
    'Checks single sign-on tokens in front of internal services.',
  ),
];

const questions = [
  'How are refunds for card payments handled?',
  'Which service sends invoices?',
  'Can I deploy during an incident?',
];

const databaseUrl = (name: string) => `${server}/${encodeURIComponent(name)}`;

/**
 * Where Backstage keeps the assistant's tables, and the backup command docs/deployment.md
 * ("Backup and recovery") gives for it. `name` prefixes the databases of one run.
 */
interface Layout {
  mode: 'database' | 'schema';
  /** The database that holds the assistant's tables. */
  database(name: string): string;
  /** `backend.database` for a backend on that database. */
  config(name: string): JsonObject;
  /** The documented backup command, dumping `database` into the gzipped `file`. */
  backup(database: string, file: string): string;
}

const layouts: Layout[] = [
  {
    // Backstage's default: each plugin gets its own database, `<prefix><pluginId>`;
    // `connection.database` (POSTGRES_DB) is not used at all.
    mode: 'database',
    database: name => `${name}_ai-assistant`,
    config: name => ({ client: 'pg', connection: server, prefix: `${name}_` }),
    backup: (database, file) =>
      `pg_dump -d "${databaseUrl(database)}" | gzip > "${file}"`,
  },
  {
    // One database (POSTGRES_DB), the assistant's tables in its schema `ai-assistant`.
    mode: 'schema',
    database: name => `${name}_backstage`,
    config: name => ({
      client: 'pg',
      connection: databaseUrl(`${name}_backstage`),
      pluginDivisionMode: 'schema',
    }),
    backup: (database, file) =>
      `pg_dump -d "${databaseUrl(database)}" -n ai-assistant -e vector | gzip > "${file}"`,
  },
];

async function startBackend(database: JsonObject) {
  return startTestBackend({
    features: [
      import('@ai-assistant/backstage-plugin-ai-assistant-backend'),
      import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-local'),
      import('@ai-assistant/backstage-plugin-ai-assistant-backend-module-ingestor-catalog'),
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database },
          aiAssistant: {
            embeddings: { local: {} },
            storage: { pgVector: { amount: 4 } },
            ingestion: {
              schedule: {
                frequency: { hours: 1 },
                timeout: { minutes: 5 },
                initialDelay: { hours: 1 },
              },
            },
          },
        },
      }),
    ],
  });
}

const user = mockCredentials.user.header();

async function ingest(app: any) {
  await request(app)
    .post('/api/ai-assistant/ingestion/run')
    .set('Authorization', user)
    .expect(202);
  for (;;) {
    const res = await request(app)
      .get('/api/ai-assistant/ingestion')
      .set('Authorization', user);
    const lastRun = res.body.ingestors[0]?.lastRun;
    if (lastRun?.finishedAt) {
      expect(lastRun.state).toBe('succeeded');
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** The `sources` event of a chat turn: what retrieval found, in order. */
async function search(app: any, message: string) {
  const res = await request(app)
    .post('/api/ai-assistant/chat')
    .set('Authorization', user)
    .send({ message })
    .buffer(true)
    .parse((response, callback) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => callback(null, text));
    });
  const event = /event: sources\ndata: (.*)\n/.exec(res.body as string);
  if (!event) throw new Error(`no sources event in: ${res.body}`);
  return JSON.parse(event[1]).sources.map((s: any) => ({
    documentId: s.documentId,
    score: s.score,
  }));
}

function sh(script: string) {
  execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    stdio: 'inherit',
  });
}

describe.each(layouts)(
  'backup and restore of the knowledge store, pluginDivisionMode $mode',
  layout => {
    const id = `${process.pid}_${Date.now()}`;
    const original = `backup_check_${id}`;
    const copy = `restore_check_${id}`;
    const dir = mkdtempSync(join(tmpdir(), 'ai-assistant-backup-'));

    afterAll(() => {
      for (const name of [original, copy]) {
        sh(
          `psql "${server}/postgres" -qc 'DROP DATABASE IF EXISTS "${layout.database(name)}" WITH (FORCE)' 2>/dev/null`,
        );
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers the same questions with the same sources from a restored pg_dump', async () => {
      const source = await startBackend(layout.config(original));
      await ingest(source.server);
      const before = [];
      for (const question of questions) {
        before.push(await search(source.server, question));
      }
      await source.stop();
      // The searches really find the corpus: each question's best source is the entity it is about.
      expect(before.map(sources => sources[0]?.documentId)).toEqual([
        'component:default/payments',
        'component:default/billing',
        'component:default/deploy-gate',
      ]);

      // docs/deployment.md, "Backup and recovery": compressed backup, then restore into a new
      // database of the same name on the (here: same) server.
      const backup = join(dir, 'backup.sql.gz');
      const restored = layout.database(copy);
      sh(layout.backup(layout.database(original), backup));
      sh(`createdb --maintenance-db="${server}/postgres" "${restored}"`);
      sh(
        `gunzip -c "${backup}" | psql -q -v ON_ERROR_STOP=1 -d "${databaseUrl(restored)}" > /dev/null`,
      );

      const target = await startBackend(layout.config(copy));
      const after = [];
      for (const question of questions) {
        after.push(await search(target.server, question));
      }
      await target.stop();

      expect(after).toEqual(before);
    });
  },
);
