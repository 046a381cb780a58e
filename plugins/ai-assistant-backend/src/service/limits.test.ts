import request from 'supertest';
import { startChatBackend } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const mainDatabase = databases.ids[0];

const model = () =>
  new ScriptedChatModel(messages =>
    isTitleRequest(messages) ? { tokens: ['A title'] } : { tokens: ['Hi'] },
  );

describe(`limits on ${mainDatabase}`, () => {
  it('answers 429 with Retry-After and a JSON message once a user exceeds the chat rate limit, without slowing other users', async () => {
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model())],
      config: { chat: { rateLimit: { requests: 3, window: { minutes: 1 } } } },
      knex:
        mainDatabase === 'POSTGRES_15'
          ? await databases.init(mainDatabase)
          : undefined,
    });
    for (let i = 0; i < 3; i++) {
      const { status } = await backend.chat({ message: `q${i}` });
      expect(status).toBe(200);
    }
    const limited = await request(backend.server)
      .post('/api/ai-assistant/chat')
      .set('Authorization', backend.auth('user:default/a'))
      .send({ message: 'one more' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(20);
    expect(limited.body.error.message).toMatch(
      /Too many chat requests: the limit is 3 per 60 seconds per user \(aiAssistant\.chat\.rateLimit\)/,
    );
    // Bad input counts too, so a flood of it cannot get past the limit.
    const invalid = await request(backend.server)
      .post('/api/ai-assistant/chat')
      .set('Authorization', backend.auth('user:default/a'))
      .send({ role: 'system' });
    expect(invalid.status).toBe(429);

    const other = await backend.chat(
      { message: 'hello' },
      { user: 'user:default/b' },
    );
    expect(other.events.at(-1)!.type).toBe('done');
    await backend.stop();
  });

  it('Security review 12: refuses a message with 409 once a conversation holds aiAssistant.conversations.maxMessages, and pages its messages', async () => {
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model())],
      config: { conversations: { maxMessages: 6 } },
      knex:
        mainDatabase === 'POSTGRES_15'
          ? await databases.init(mainDatabase)
          : undefined,
    });
    const first = await backend.chat({ message: 'q0' });
    const conversationId = first.events[0].data.conversationId;
    for (let i = 1; i < 3; i++) {
      const { events } = await backend.chat({
        message: `q${i}`,
        conversationId,
      });
      expect(events.at(-1)!.type).toBe('done');
    }
    // Six messages stored: the next exchange would make eight.
    const full = await request(backend.server)
      .post('/api/ai-assistant/chat')
      .set('Authorization', backend.auth('user:default/a'))
      .send({ message: 'one more', conversationId });
    expect(full.status).toBe(409);
    expect(full.body.error.message).toMatch(
      /This conversation has reached its limit of 6 messages \(aiAssistant\.conversations\.maxMessages\); start a new conversation/,
    );
    // A new conversation still works.
    const fresh = await backend.chat({ message: 'new topic' });
    expect(fresh.events.at(-1)!.type).toBe('done');

    // GET /conversations/:id pages: the newest `limit`, then older ones with `before`.
    const api = request(backend.server);
    const a = { Authorization: backend.auth('user:default/a') };
    const all = await backend.conversation(conversationId);
    expect(all.body.messages.map((m: any) => m.content)).toEqual([
      'q0',
      'Hi',
      'q1',
      'Hi',
      'q2',
      'Hi',
    ]);
    expect(all.body.hasOlderMessages).toBe(false);
    const newest = await api
      .get(`/api/ai-assistant/conversations/${conversationId}?limit=4`)
      .set(a);
    expect(newest.body.messages.map((m: any) => m.content)).toEqual([
      'q1',
      'Hi',
      'q2',
      'Hi',
    ]);
    expect(newest.body.hasOlderMessages).toBe(true);
    const older = await api
      .get(
        `/api/ai-assistant/conversations/${conversationId}?limit=4&before=${newest.body.messages[0].id}`,
      )
      .set(a);
    expect(older.body.messages.map((m: any) => m.content)).toEqual([
      'q0',
      'Hi',
    ]);
    expect(older.body.hasOlderMessages).toBe(false);
    for (const query of ['limit=0', 'limit=201', 'before=nope', 'page=2']) {
      const bad = await api
        .get(`/api/ai-assistant/conversations/${conversationId}?${query}`)
        .set(a);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^Invalid query: /);
    }
    await backend.stop();
  });

  it('Security review 12: refuses a message cap below one exchange at startup, naming the key', async () => {
    await expect(
      startChatBackend({
        models: [scriptedModel('scripted/one', model())],
        config: { conversations: { maxMessages: 1 } },
      }),
    ).rejects.toThrow(
      /aiAssistant\.conversations\.maxMessages: expected at least 2/,
    );
  });

  it('lets a user delete all of their conversations at once and leaves other users alone', async () => {
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model())],
      knex:
        mainDatabase === 'POSTGRES_15'
          ? await databases.init(mainDatabase)
          : undefined,
    });
    await backend.chat({ message: 'one' });
    await backend.chat({ message: 'two' });
    const theirs = await backend.chat(
      { message: 'theirs' },
      { user: 'user:default/b' },
    );
    const api = request(backend.server);
    const a = { Authorization: backend.auth('user:default/a') };
    const b = { Authorization: backend.auth('user:default/b') };
    expect(
      (await api.get('/api/ai-assistant/conversations').set(a)).body.total,
    ).toBe(2);

    const deleted = await api.delete('/api/ai-assistant/conversations').set(a);
    expect(deleted.status).toBe(204);
    expect(
      (await api.get('/api/ai-assistant/conversations').set(a)).body.total,
    ).toBe(0);
    // Again: nothing left, still 204.
    expect(
      (await api.delete('/api/ai-assistant/conversations').set(a)).status,
    ).toBe(204);
    const kept = await api
      .get(
        `/api/ai-assistant/conversations/${theirs.events[0].data.conversationId}`,
      )
      .set(b);
    expect(kept.status).toBe(200);
    expect(kept.body.messages).toHaveLength(2);
    await backend.stop();
  });
});
