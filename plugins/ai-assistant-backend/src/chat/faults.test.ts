import azureAiModels from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-azure-ai';
import ollamaModels from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-ollama';
import {
  type AzureOpenAiTestServer,
  type OllamaTestServer,
  startAzureOpenAiTestServer,
  startOllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const mainDatabase = databases.ids[0];
const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

describe(`model faults on ${mainDatabase}`, () => {
  let ollama: OllamaTestServer;
  beforeEach(async () => {
    ollama = await startOllamaTestServer();
  });
  afterEach(() => ollama.close());

  const start = async () =>
    startChatBackend({
      models: null,
      features: [ollamaModels],
      config: {
        models: {
          ollama: { baseUrl: ollama.baseUrl, models: ['primary', 'secondary'] },
        },
      },
      knex:
        mainDatabase === 'POSTGRES_15'
          ? await databases.init(mainDatabase)
          : undefined,
    });

  it('retries a model that answers 429 and then 500s, then falls back to the next model', async () => {
    const backend = await start();
    ollama.failNext(429, { 'Retry-After': '0' });
    ollama.failNext(500, { 'Retry-After': '0' }, 3);
    ollama.scriptChat({ text: 'Answer from the fallback.' });

    const { events } = await backend.chat({ message: 'hello' });

    const chats = ollama.requests.filter(r => r.path === '/api/chat');
    // One attempt and three retries of the chosen model, then the fallback.
    expect(chats.map(r => r.body.model)).toEqual([
      'primary',
      'primary',
      'primary',
      'primary',
      'secondary',
    ]);
    expect(events.map(e => e.type)).toEqual([
      'conversation',
      'sources',
      'delta',
      'delta',
      'delta',
      'delta',
      'done',
    ]);
    const stored = await backend.conversation(events[0].data.conversationId);
    expect(stored.body.messages[1]).toMatchObject({
      modelId: 'ollama/secondary',
      content: 'Answer from the fallback.',
      status: 'complete',
    });
    await backend.stop();
  });

  it('stops the model call at the model server within a second of the client disconnecting', async () => {
    const backend = await start();
    const words = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    ollama.scriptChat({ text: words, delayMsPerToken: 100 });

    await backend.chat({ message: 'write a lot' }, { stopAfterDeltas: 2 });
    const disconnectedAt = Date.now();
    const modelCall = ollama.requests.find(r => r.path === '/api/chat')!;
    const closedAt = await waitFor(
      async () => (modelCall.aborted ? Date.now() : undefined),
      10_000,
      5,
    );

    // The model server saw its request closed long before the 10 s answer would have ended.
    expect(modelCall.aborted).toBe(true);
    // eslint-disable-next-line no-console
    console.info(
      `model call closed ${closedAt - disconnectedAt} ms after the client left`,
    );
    expect(closedAt - disconnectedAt).toBeLessThan(1_000);
    await backend.stop();
  });
});

// Security review finding 5: the circuit breaker is shared by every user of the process, so
// only failures of the provider itself may open it, never a refusal of one user's own text.
describe(`Security review 5: one user can pause every model for everyone, on ${mainDatabase}`, () => {
  let azure: AzureOpenAiTestServer;
  beforeEach(async () => {
    azure = await startAzureOpenAiTestServer({ apiKey: 'breaker-test-key' });
  });
  afterEach(() => azure.close());

  const start = async () =>
    startChatBackend({
      models: null,
      features: [azureAiModels],
      config: {
        chat: { circuitBreaker: { failureThreshold: 3, cooldownSeconds: 600 } },
        models: {
          azureAi: {
            apiKey: 'breaker-test-key',
            maxRetries: 0,
            models: [{ endpoint: azure.endpoint, modelName: 'gpt-4o' }],
          },
        },
      },
      knex:
        mainDatabase === 'POSTGRES_15'
          ? await databases.init(mainDatabase)
          : undefined,
    });
  const completions = () =>
    azure.requests.filter(r => r.path.endsWith('/chat/completions')).length;

  it("does not pause the model for other users when the content filter refuses one user's prompts three times", async () => {
    const backend = await start();
    for (let i = 0; i < 3; i++) {
      azure.scriptChat({ contentFiltered: true });
      const { events } = await backend.chat(
        { message: `something the filter blocks ${i}` },
        { user: 'user:default/mallory' },
      );
      expect(events.at(-1)).toMatchObject({
        type: 'error',
        data: {
          message: expect.stringMatching(/^The model refused this message/),
        },
      });
    }
    expect(completions()).toBe(3);

    // Another user still reaches the model.
    azure.scriptChat({ text: 'Deploys use Argo CD.' });
    const { events } = await backend.chat(
      { message: 'How do we deploy?' },
      { user: 'user:default/alice' },
    );
    expect(events.at(-1)!.type).toBe('done');
    expect(
      events
        .filter(e => e.type === 'delta')
        .map(e => e.data.text)
        .join(''),
    ).toBe('Deploys use Argo CD.');
    const health = await request(backend.server).get(
      '/api/ai-assistant/health',
    );
    expect(health.body.models.models).toEqual([
      expect.objectContaining({ id: 'azureAi/gpt-4o', status: 'ok' }),
    ]);
    // The title of the new conversation is asked for in the background; let it finish.
    await waitFor(async () => (completions() >= 5 ? true : undefined));
    await backend.stop();
  });

  it('still pauses the model after three provider-side failures (HTTP 500)', async () => {
    const backend = await start();
    azure.failNext(500, {}, 3);
    for (let i = 0; i < 3; i++) {
      const { events } = await backend.chat({ message: `question ${i}` });
      expect(events.at(-1)!.type).toBe('error');
    }
    expect(completions()).toBe(3);

    const { events } = await backend.chat(
      { message: 'How do we deploy?' },
      { user: 'user:default/alice' },
    );
    expect(events.at(-1)!.data).toEqual({
      code: 'models_unavailable',
      errorId: expect.any(String),
      message: expect.stringMatching(
        /^The model service is unavailable right now/,
      ),
    });
    // The paused model was not called.
    expect(completions()).toBe(3);
    await backend.stop();
  });
});

/** Terminates every connection to a database but the caller's own. */
async function terminateConnections(admin: Knex, database: string) {
  await admin.raw(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
    [database],
  );
}

// Killing server connections needs the native server; the embedded one has no other sessions.
if (databases.ids.includes('POSTGRES_15'))
  describe('database faults on POSTGRES_15', () => {
    it('sends the client an error event when its database connection is killed mid-chat, and serves the next request without a restart', async () => {
      const knex = await databases.init('POSTGRES_15');
      const database: string = (
        await knex.raw('SELECT current_database() AS name')
      ).rows[0].name;
      const admin = knexFactory({
        client: 'pg',
        connection: process.env[PG_ENV],
      });
      const model = new ScriptedChatModel(messages =>
        isTitleRequest(messages)
          ? { tokens: ['Title'] }
          : { tokens: ['An ', 'answer.'], delayMs: 50 },
      );
      const backend = await startChatBackend({
        models: [scriptedModel('scripted/one', model)],
        knex,
      });

      // Hold the messages table so the end of the answer waits inside a query; kill the
      // connections while it waits, as a database failover would.
      const holder = knexFactory({
        client: 'pg',
        connection: `${process.env[PG_ENV]}/${database}`,
        pool: { min: 1, max: 1 },
      });
      const held = await holder.transaction();
      await held.raw('LOCK TABLE conversation IN ACCESS EXCLUSIVE MODE');
      const holderPid = (await held.raw('SELECT pg_backend_pid() AS pid'))
        .rows[0].pid;

      const answer = backend.chat({ message: 'hello' });
      await waitFor(async () => {
        const waiting = await admin.raw(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ? AND wait_event_type = 'Lock'`,
          [database],
        );
        return waiting.rows[0].n > 0 ? true : undefined;
      });
      await admin.raw(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid() AND pid <> ?',
        [database, holderPid],
      );
      await held.rollback().catch(() => {});
      const { events } = await answer;

      expect(events.map(e => e.type)).toEqual([
        'conversation',
        'sources',
        'delta',
        'delta',
        'error',
      ]);
      expect(events.at(-1)!.data).toEqual({
        code: 'internal_error',
        errorId: expect.any(String),
        message: expect.stringMatching(/server error; try again/),
      });

      // The pool replaces the dead connections: the next chat and reads just work.
      const next = await backend.chat({ message: 'hello again' });
      expect(next.events.at(-1)!.type).toBe('done');
      const list = await request(backend.server)
        .get('/api/ai-assistant/conversations')
        .set('Authorization', backend.auth('user:default/a'));
      expect(list.status).toBe(200);

      await backend.stop();
      await terminateConnections(admin, database);
      await holder.destroy();
      await admin.destroy();
    });
  });
