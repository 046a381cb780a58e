import type { Knex } from 'knex';
import { startChatBackend, waitForTitle } from '../__testUtils__/chatBackend';
import { CountingEmbeddings, doc } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { sha256 } from '../ingestion/chunking';
import { openReadReplica } from './createKnowledgeDatabase';
import { KnowledgeStore } from './KnowledgeStore';
import { embeddingModelKey } from './vectorIndex';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const DIMS = 16;
const model = { key: embeddingModelKey('fake', 'bow', DIMS), dimensions: DIMS };
const words = new CountingEmbeddings(DIMS);

/** The connection settings of a test database, as `pg` takes them. */
function connectionOf(knex: Knex): Record<string, any> {
  return { ...(knex.client.config.connection as object) };
}

/** Names of the clients connected to a database, from `pg_stat_activity`. */
async function applicationNames(knex: Knex): Promise<string[]> {
  const { rows } = await knex.raw(
    `SELECT application_name FROM pg_stat_activity WHERE datname = current_database()`,
  );
  return rows.map((row: { application_name: string }) => row.application_name);
}

async function writeDocument(store: KnowledgeStore, id: string, text: string) {
  await store.writeDocument(
    {
      source: 'docs',
      documentId: id,
      title: `Title ${id}`,
      url: `https://example.com/${id}`,
      contentHash: sha256(text),
      metadata: {},
    },
    [
      {
        content: text,
        contentHash: sha256(text),
        embedding: words.vector(text),
      },
    ],
  );
}

it('refuses a read replica when the knowledge store is embedded, naming the key', async () => {
  await expect(
    startChatBackend({
      models: null,
      config: {
        storage: {
          readReplica: { connection: 'postgresql://replica.invalid/db' },
        },
      },
    }),
  ).rejects.toThrow(
    /aiAssistant\.storage\.readReplica is set, but the Backstage database is not PostgreSQL/,
  );
});

// The replica scenarios need a PostgreSQL server; in CI one is required (see knowledgeTestDatabases).
const postgres = databases.ids.filter(id => id === 'POSTGRES_15');

describe.each(postgres.map(id => [id]))('read replica on %s', id => {
  it('serves searches from the replica connection and everything else from the primary', async () => {
    const primary = await databases.init(id);
    // A read-only session stands in for a hot standby: any write sent there would fail.
    const replica = openReadReplica({
      ...connectionOf(primary),
      application_name: 'ai-assistant-replica-test',
      options: '-c default_transaction_read_only=on',
    });
    const onError = jest.fn();
    try {
      const store = KnowledgeStore.create({
        knex: primary,
        model,
        readReplica: { knex: replica, onError },
      });
      await writeDocument(store, 'argo', 'Services deploy with Argo CD.');
      await writeDocument(store, 'pager', 'On-call uses PagerDuty.');

      const onPrimary: string[] = [];
      const onReplica: string[] = [];
      const recordPrimary = (q: { sql: string }) => onPrimary.push(q.sql);
      const recordReplica = (q: { sql: string }) => onReplica.push(q.sql);
      primary.on('query', recordPrimary);
      replica.on('query', recordReplica);
      const results = await store.search({
        text: 'deploy argo',
        vector: words.vector('deploy argo'),
        limit: 5,
      });
      primary.off('query', recordPrimary);
      replica.off('query', recordReplica);

      expect(results[0]).toMatchObject({ documentId: 'argo' });
      expect(onError).not.toHaveBeenCalled();
      const searches = (sqls: string[]) =>
        sqls.filter(sql => /FROM\s+embeddings/i.test(sql));
      expect(searches(onReplica)).not.toHaveLength(0);
      expect(searches(onPrimary)).toHaveLength(0);
      expect(
        (await replica.raw('SHOW default_transaction_read_only')).rows[0],
      ).toEqual({ default_transaction_read_only: 'on' });
      expect(await applicationNames(primary)).toContain(
        'ai-assistant-replica-test',
      );
    } finally {
      await replica.destroy();
    }
  });

  it('falls back to the primary when the replica is unreachable', async () => {
    const primary = await databases.init(id);
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const replica = openReadReplica({
      ...connectionOf(primary),
      port: 1,
    });
    const onError = jest.fn();
    try {
      const store = KnowledgeStore.create({
        knex: primary,
        model,
        readReplica: { knex: replica, onError },
      });
      await writeDocument(store, 'argo', 'Services deploy with Argo CD.');
      const results = await store.search({
        text: 'argo',
        vector: words.vector('argo'),
        limit: 5,
      });
      expect(results[0]).toMatchObject({ documentId: 'argo' });
      expect(onError).toHaveBeenCalledTimes(1);
    } finally {
      await replica.destroy();
    }
  });

  it('wires aiAssistant.storage.readReplica.connection into chat retrieval', async () => {
    const primary = await databases.init(id);
    const { host, port, user, password, database } = connectionOf(primary);
    const auth = password
      ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}`
      : encodeURIComponent(user);
    const connection =
      `postgresql://${auth}@${host}:${port}/${database}` +
      `?application_name=ai-assistant-replica-e2e&options=${encodeURIComponent('-c default_transaction_read_only=on')}`;
    const backend = await startChatBackend({
      knex: primary,
      models: [
        scriptedModel(
          'scripted/one',
          new ScriptedChatModel(messages =>
            isTitleRequest(messages)
              ? { tokens: ['Argo'] }
              : { tokens: ['Argo CD [1].'] },
          ),
        ),
      ],
      documents: [doc('argo', 'Deployments use Argo CD.')],
      config: { storage: { readReplica: { connection } } },
    });
    try {
      const { events } = await backend.chat({ message: 'How to deploy?' });
      const sources = events.find(e => e.type === 'sources')?.data.sources;
      expect(sources[0]).toMatchObject({ documentId: 'argo' });
      expect(events.map(e => e.type)).toContain('done');
      expect(await applicationNames(primary)).toContain(
        'ai-assistant-replica-e2e',
      );
      await waitForTitle(backend, 'Argo');
    } finally {
      await backend.stop();
    }
  });
});
