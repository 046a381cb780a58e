import { mockServices } from '@backstage/backend-test-utils';
import { aiAssistantIngestionAdminPermission } from '@ai-assistant/backstage-plugin-ai-assistant-common';
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
import { doc } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const mainDatabase = databases.ids[0];
const admin = 'user:default/admin';
const user = 'user:default/a';

class AdminsOnly extends RecordingPermissions {
  async authorize(requests: any[], options?: any) {
    const caller = options?.credentials?.principal?.userEntityRef;
    const decisions = await super.authorize(requests);
    return requests.map((r, i) =>
      r.permission.name === aiAssistantIngestionAdminPermission.name &&
      caller !== admin
        ? { result: 'DENY' }
        : decisions[i],
    ) as any;
  }
}

async function start() {
  const auditor = mockServices.auditor.mock();
  const backend = await startChatBackend({
    permissions: new AdminsOnly(),
    models: [
      scriptedModel(
        'scripted/one',
        new ScriptedChatModel(messages =>
          isTitleRequest(messages)
            ? { tokens: ['A title'] }
            : { tokens: ['Deploy with make deploy.'] },
        ),
      ),
    ],
    documents: [doc('argo', 'Deployments use Argo CD. Deploy through Argo.')],
    features: [auditor.factory],
    knex:
      mainDatabase === 'POSTGRES_15'
        ? await databases.init(mainDatabase)
        : undefined,
  });
  const api = request(backend.server);
  const as = (who: string) => ({ Authorization: backend.auth(who) });
  return { backend, api, as, auditor };
}

describe(`feedback review routes on ${mainDatabase}`, () => {
  it("shows admins a thumbs-down answer with the user's comment, question, sources and model, and marks it reviewed", async () => {
    const { backend, api, as, auditor } = await start();
    const { events } = await backend.chat(
      { message: 'How do we deploy?' },
      { user },
    );
    const { conversationId, messageId } = events[0].data;
    await api
      .post(`/api/ai-assistant/messages/${messageId}/feedback`)
      .set(as(user))
      .send({ rating: 'down', comment: '  We moved to Argo last year  ' })
      .expect(204);

    // The user's reload shows their rating.
    const reloaded = await backend.conversation(conversationId, user);
    expect(reloaded.body.messages[1]).toMatchObject({
      id: messageId,
      feedback: { rating: 'down', comment: 'We moved to Argo last year' },
    });

    const list = await api
      .get('/api/ai-assistant/admin/feedback')
      .set(as(admin));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(list.body.items).toEqual([
      expect.objectContaining({
        messageId,
        conversationId,
        rating: 'down',
        comment: 'We moved to Argo last year',
        question: 'How do we deploy?',
        answer: 'Deploy with make deploy.',
        modelId: 'scripted/one',
        sources: [expect.objectContaining({ title: 'Document argo' })],
      }),
    ]);
    expect(list.body.items[0]).not.toHaveProperty('reviewedAt');
    // Reviewing an answer does not need to know who asked it.
    expect(JSON.stringify(list.body)).not.toContain(user);

    const marked = await api
      .post(`/api/ai-assistant/admin/feedback/${messageId}/reviewed`)
      .set(as(admin));
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({
      messageId,
      reviewedBy: admin,
      reviewedAt: expect.any(String),
    });
    const audits = auditor.createEvent.mock.calls
      .map(([options]) => options)
      .filter(options => options.eventId === 'feedback-review');
    expect(audits).toEqual([expect.objectContaining({ meta: { messageId } })]);

    const unreviewed = await api
      .get('/api/ai-assistant/admin/feedback?status=unreviewed')
      .set(as(admin));
    expect(unreviewed.body).toMatchObject({ total: 0, items: [] });
    const reviewed = await api
      .get('/api/ai-assistant/admin/feedback?status=reviewed&limit=5')
      .set(as(admin));
    expect(reviewed.body).toMatchObject({ total: 1, limit: 5 });
    expect(reviewed.body.items[0]).toMatchObject({
      messageId,
      reviewedBy: admin,
    });
    await backend.stop();
  });

  it('refuses users without the admin permission with a 403 on every review route', async () => {
    const { backend, api, as } = await start();
    const { events } = await backend.chat({ message: 'hello' }, { user });
    const { messageId } = events[0].data;
    await api
      .post(`/api/ai-assistant/messages/${messageId}/feedback`)
      .set(as(user))
      .send({ rating: 'down' })
      .expect(204);

    for (const call of [
      api.get('/api/ai-assistant/admin/feedback').set(as(user)),
      api
        .post(`/api/ai-assistant/admin/feedback/${messageId}/reviewed`)
        .set(as(user)),
    ]) {
      const res = await call;
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('ai-assistant.ingestion.admin');
    }
    // Nothing was marked by the refused call.
    const list = await api
      .get('/api/ai-assistant/admin/feedback')
      .set(as(admin));
    expect(list.body.items.map((item: any) => item.messageId)).toEqual([
      messageId,
    ]);
    await backend.stop();
  });

  it('answers bad input with a 4xx that says what is wrong, never a 500', async () => {
    const { backend, api, as } = await start();
    const { events } = await backend.chat({ message: 'hello' }, { user });
    const { messageId } = events[0].data;
    const a = as(admin);
    const cases: Array<[string, request.Test, number, RegExp]> = [
      [
        'comment too long',
        api
          .post(`/api/ai-assistant/messages/${messageId}/feedback`)
          .set(as(user))
          .send({ rating: 'down', comment: 'x'.repeat(2001) }),
        400,
        /comment must be at most 2000 characters/,
      ],
      [
        'comment not text',
        api
          .post(`/api/ai-assistant/messages/${messageId}/feedback`)
          .set(as(user))
          .send({ rating: 'down', comment: 42 }),
        400,
        /comment/,
      ],
      [
        'unknown status',
        api.get('/api/ai-assistant/admin/feedback?status=open').set(a),
        400,
        /status/,
      ],
      [
        'limit out of range',
        api.get('/api/ai-assistant/admin/feedback?limit=0').set(a),
        400,
        /limit/,
      ],
      [
        'repeated parameter',
        api.get('/api/ai-assistant/admin/feedback?offset=1&offset=2').set(a),
        400,
        /offset must be given once/,
      ],
      [
        'unknown parameter',
        api.get('/api/ai-assistant/admin/feedback?rating=up').set(a),
        400,
        /rating/,
      ],
      [
        'query on mark reviewed',
        api
          .post(`/api/ai-assistant/admin/feedback/${messageId}/reviewed?x=1`)
          .set(a),
        400,
        /takes no query parameters/,
      ],
      [
        'answer without a thumbs down',
        api
          .post(`/api/ai-assistant/admin/feedback/${messageId}/reviewed`)
          .set(a),
        404,
        /No thumbs-down rating/,
      ],
      [
        'not a message id',
        api.post('/api/ai-assistant/admin/feedback/123/reviewed').set(a),
        404,
        /No thumbs-down rating/,
      ],
    ];
    for (const [name, call, status, message] of cases) {
      const res = await call;
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(res.body.error?.message ?? '').toMatch(message);
    }
    await backend.stop();
  });
});
