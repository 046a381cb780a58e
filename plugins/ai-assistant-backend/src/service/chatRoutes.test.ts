import request from 'supertest';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import {
  RecordingPermissions,
  startChatBackend,
} from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const mainDatabase = databases.ids[0];

const model = () =>
  new ScriptedChatModel(messages =>
    isTitleRequest(messages) ? { tokens: ['A title'] } : { tokens: ['Hi'] },
  );

async function start(permissions?: RecordingPermissions) {
  return startChatBackend({
    permissions,
    models: [scriptedModel('scripted/one', model())],
    config: { chat: { maxMessageLength: 100 } },
    knex:
      mainDatabase === 'POSTGRES_15'
        ? await databases.init(mainDatabase)
        : undefined,
  });
}

describe(`chat routes on ${mainDatabase}`, () => {
  it("never lets one user list, read, rename, delete, rate or continue another user's conversations", async () => {
    const backend = await start();
    const { events } = await backend.chat(
      { message: 'mine' },
      { user: 'user:default/a' },
    );
    const { conversationId, messageId } = events[0].data;
    const as = (user: string) => ({
      Authorization: backend.auth(user),
    });
    const api = request(backend.server);
    const b = as('user:default/b');

    const list = await api.get('/api/ai-assistant/conversations').set(b);
    expect(list.status).toBe(200);
    expect(list.body.conversations).toEqual([]);
    expect(
      (
        await api
          .get(`/api/ai-assistant/conversations/${conversationId}`)
          .set(b)
      ).status,
    ).toBe(404);
    expect(
      (
        await api
          .patch(`/api/ai-assistant/conversations/${conversationId}`)
          .set(b)
          .send({ title: 'stolen' })
      ).status,
    ).toBe(404);
    expect(
      (
        await api
          .delete(`/api/ai-assistant/conversations/${conversationId}`)
          .set(b)
      ).status,
    ).toBe(404);
    expect(
      (
        await api
          .post(`/api/ai-assistant/messages/${messageId}/feedback`)
          .set(b)
          .send({ rating: 'down' })
      ).status,
    ).toBe(404);
    const continued = await backend.chat(
      { message: 'let me in', conversationId },
      { user: 'user:default/b' },
    );
    expect(continued.status).toBe(404);

    // The owner can do all of it, and nothing above changed their data.
    const a = as('user:default/a');
    const mine = await api
      .get(`/api/ai-assistant/conversations/${conversationId}`)
      .set(a);
    expect(mine.body.messages).toHaveLength(2);
    expect(
      (
        await api
          .patch(`/api/ai-assistant/conversations/${conversationId}`)
          .set(a)
          .send({ title: 'Renamed' })
      ).body,
    ).toMatchObject({ id: conversationId, title: 'Renamed' });
    expect(
      (
        await api
          .post(`/api/ai-assistant/messages/${messageId}/feedback`)
          .set(a)
          .send({ rating: 'up', comment: 'useful' })
      ).status,
    ).toBe(204);
    expect(
      (
        await api
          .delete(`/api/ai-assistant/conversations/${conversationId}`)
          .set(a)
      ).status,
    ).toBe(204);
    expect(
      (
        await api
          .get(`/api/ai-assistant/conversations/${conversationId}`)
          .set(a)
      ).status,
    ).toBe(404);
    await backend.stop();
  });

  it('answers bad input with a 4xx that says what is wrong, never a 500', async () => {
    const backend = await start();
    const api = request(backend.server);
    const a = { Authorization: backend.auth('user:default/a') };
    const { events } = await backend.chat({ message: 'hello' });
    const { conversationId, messageId } = events[0].data;
    const unknownId = '00000000-0000-4000-8000-000000000000';

    const cases: Array<[string, request.Test, number, RegExp]> = [
      [
        'oversized message',
        api
          .post('/api/ai-assistant/chat')
          .set(a)
          .send({ message: 'x'.repeat(101) }),
        413,
        /101 characters long; the limit is 100 \(aiAssistant\.chat\.maxMessageLength\)/,
      ],
      [
        'system role',
        api
          .post('/api/ai-assistant/chat')
          .set(a)
          .send({ message: 'hi', role: 'system' }),
        400,
        /Unrecognized key.*role/,
      ],
      [
        'empty message',
        api.post('/api/ai-assistant/chat').set(a).send({ message: '  ' }),
        400,
        /message must not be empty/,
      ],
      [
        'message not a string',
        api.post('/api/ai-assistant/chat').set(a).send({ message: 42 }),
        400,
        /message: Expected string/,
      ],
      [
        'malformed JSON',
        api
          .post('/api/ai-assistant/chat')
          .set(a)
          .set('content-type', 'application/json')
          .send('{"message":'),
        400,
        /./,
      ],
      [
        'non-uuid conversation id',
        api
          .post('/api/ai-assistant/chat')
          .set(a)
          .send({ message: 'hi', conversationId: 'abc' }),
        400,
        /conversationId: Invalid uuid/,
      ],
      [
        'unknown conversation',
        api
          .post('/api/ai-assistant/chat')
          .set(a)
          .send({ message: 'hi', conversationId: unknownId }),
        404,
        /not found/,
      ],
      [
        'unknown model',
        api
          .post('/api/ai-assistant/chat')
          .set(a)
          .send({ message: 'hi', modelId: 'nope/nope' }),
        400,
        /Unknown model 'nope\/nope'/,
      ],
      [
        'page too large',
        api.get('/api/ai-assistant/conversations?limit=1000').set(a),
        400,
        /limit/,
      ],
      [
        'unknown query parameter',
        api.get('/api/ai-assistant/conversations?sort=asc').set(a),
        400,
        /Unrecognized key.*sort/,
      ],
      [
        'search text too long',
        api.get(`/api/ai-assistant/conversations?q=${'x'.repeat(201)}`).set(a),
        400,
        /q must be at most 200 characters/,
      ],
      [
        'search text given twice',
        api.get('/api/ai-assistant/conversations?q=a&q=b').set(a),
        400,
        /q must be given once/,
      ],
      [
        'cursor not given out by the API',
        api.get('/api/ai-assistant/conversations?before=garbage').set(a),
        400,
        /before: not a nextCursor of this API/,
      ],
      [
        'empty cursor',
        api.get('/api/ai-assistant/conversations?before=').set(a),
        400,
        /before must be the nextCursor of a previous page/,
      ],
      [
        'cursor and offset together',
        api.get('/api/ai-assistant/conversations?before=abc&offset=5').set(a),
        400,
        /give either before or offset, not both/,
      ],
      [
        'non-uuid conversation path',
        api.get('/api/ai-assistant/conversations/not-a-uuid').set(a),
        404,
        /not found/,
      ],
      [
        'empty title',
        api
          .patch(`/api/ai-assistant/conversations/${conversationId}`)
          .set(a)
          .send({ title: '' }),
        400,
        /title/,
      ],
      [
        'extra field on rename',
        api
          .patch(`/api/ai-assistant/conversations/${conversationId}`)
          .set(a)
          .send({ title: 't', userRef: 'user:default/b' }),
        400,
        /Unrecognized key/,
      ],
      [
        'unknown rating',
        api
          .post(`/api/ai-assistant/messages/${messageId}/feedback`)
          .set(a)
          .send({ rating: 'meh' }),
        400,
        /rating/,
      ],
      [
        'non-uuid message',
        api
          .post('/api/ai-assistant/messages/123/feedback')
          .set(a)
          .send({ rating: 'up' }),
        404,
        /not found/,
      ],
      [
        'unknown message',
        api.delete(`/api/ai-assistant/conversations/${unknownId}`).set(a),
        404,
        /not found/,
      ],
    ];
    for (const [name, call, status, message] of cases) {
      const res = await call;
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(res.body.error?.message ?? '').toMatch(message);
    }
    await backend.stop();
  });

  it('searches conversation titles and pages past the first page with nextCursor', async () => {
    const backend = await start();
    const api = request(backend.server);
    const a = { Authorization: backend.auth('user:default/a') };
    for (const title of [
      'Payments deploy',
      'On-call rota',
      'Payments refunds',
    ]) {
      const { events } = await backend.chat({ message: title });
      await api
        .patch(
          `/api/ai-assistant/conversations/${events[0].data.conversationId}`,
        )
        .set(a)
        .send({ title })
        .expect(200);
    }
    const list = (query: string) =>
      api.get(`/api/ai-assistant/conversations?${query}`).set(a).expect(200);

    const first = await list('q=%20payments%20&limit=1');
    expect(first.body).toMatchObject({
      conversations: [{ title: 'Payments refunds' }],
      total: 2,
      limit: 1,
      nextCursor: expect.any(String),
    });
    const second = await list(
      `q=payments&limit=1&before=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.conversations.map((c: any) => c.title)).toEqual([
      'Payments deploy',
    ]);
    expect(second.body.nextCursor).toBeUndefined();
    // Blank search text lists everything, as before the parameter existed.
    expect((await list('q=')).body.total).toBe(3);
    await backend.stop();
  });

  it('requires a signed-in user with the chat permission on every chat route', async () => {
    const backend = await start();
    const api = request(backend.server);
    expect(
      (
        await api
          .get('/api/ai-assistant/models')
          .set('Authorization', backend.serviceAuth())
      ).status,
    ).toBe(403);
    const models = await api
      .get('/api/ai-assistant/models')
      .set('Authorization', backend.auth('user:default/a'));
    expect(models.body).toEqual({
      models: [{ id: 'scripted/one', displayName: 'Scripted scripted/one' }],
      defaultModelId: 'scripted/one',
      maxMessageLength: 100,
    });
    expect(backend.permissions.batches.at(-1)).toEqual([
      { permission: 'ai-assistant.chat', resourceRef: undefined },
    ]);
    await backend.stop();
  });

  it('refuses every chat route to users without the ai-assistant.chat permission', async () => {
    const backend = await start(
      new RecordingPermissions([], ['ai-assistant.chat']),
    );
    const api = request(backend.server);
    const a = { Authorization: backend.auth('user:default/a') };
    const id = '00000000-0000-4000-8000-000000000000';
    const calls = [
      api.get('/api/ai-assistant/models').set(a),
      api.post('/api/ai-assistant/chat').set(a).send({ message: 'hi' }),
      api.get('/api/ai-assistant/conversations').set(a),
      api.get(`/api/ai-assistant/conversations/${id}`).set(a),
      api
        .patch(`/api/ai-assistant/conversations/${id}`)
        .set(a)
        .send({ title: 't' }),
      api.delete(`/api/ai-assistant/conversations/${id}`).set(a),
      api
        .post(`/api/ai-assistant/messages/${id}/feedback`)
        .set(a)
        .send({ rating: 'up' }),
    ];
    for (const call of calls) {
      const res = await call;
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('ai-assistant.chat');
    }
    await backend.stop();
  });
});
