import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { doc } from '../__testUtils__/fakes';
import {
  RecordingPermissions,
  startChatBackend,
  waitForTitle,
} from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(180_000);

const databases = knowledgeTestDatabases();

const ADMIN = 'user:default/admin';
const OTHER_ADMIN = 'user:default/admin2';
const USER = 'user:default/a';
const PAYMENTS = 'component:default/payments';
const BILLING = 'component:default/billing';

/**
 * Admins administer; only the payments team (not the admins) may read the payments entity;
 * everybody may read everything else.
 */
class CockpitPolicy extends RecordingPermissions {
  async authorize(requests: any[], options?: any) {
    await super.authorize(requests);
    const user = options?.credentials?.principal?.userEntityRef;
    return requests.map(r => ({
      result:
        (r.permission.name === 'ai-assistant.ingestion.admin' &&
          user !== ADMIN &&
          user !== OTHER_ADMIN) ||
        (r.resourceRef === PAYMENTS && user !== 'user:default/payments-team')
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any;
  }
}

const documents = [
  doc(
    'refunds',
    'Refunds: support refunds orders through the billing console.',
    {
      title: 'Refunds',
    },
  ),
  doc('payments', 'Payments charges cards at checkout and refunds orders.', {
    title: 'Payments',
    entityRef: PAYMENTS,
  }),
  doc('billing', 'Billing sends invoices for orders every month.', {
    title: 'Billing',
    entityRef: BILLING,
  }),
  doc('pager', 'The pager rota lists who is on call this week.', {
    title: 'Pager',
  }),
];

const QUESTION = 'How are orders refunded?';

describe.each(databases.eachId())('the retrieval test on %s', databaseId => {
  let backend: Awaited<ReturnType<typeof startChatBackend>>;
  const model = new ScriptedChatModel(messages =>
    isTitleRequest(messages)
      ? { tokens: ['Refunds'] }
      : { tokens: ['Support refunds them [1].'] },
  );

  beforeAll(async () => {
    backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model)],
      documents,
      permissions: new CockpitPolicy(),
      config: {
        storage: { pgVector: { amount: 2 } },
        chat: { maxMessageLength: 200 },
      },
      knex:
        databaseId === 'POSTGRES_15'
          ? await databases.init(databaseId)
          : undefined,
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const test = (body: unknown, user = ADMIN) =>
    request(backend.server)
      .post('/api/ai-assistant/admin/retrieval-test')
      .set('Authorization', backend.auth(user))
      .send(body as object);
  const replay = (id: string, user = ADMIN) =>
    request(backend.server)
      .get(`/api/ai-assistant/admin/retrieval-test/messages/${id}`)
      .set('Authorization', backend.auth(user));
  const sourceTitles = (events: Array<{ type: string; data: any }>) =>
    events
      .find(e => e.type === 'sources')!
      .data.sources.map((s: { title: string }) => s.title);

  it('shows both legs, the fused ranking, what the permission filter removed and the chunks the chat would prompt with', async () => {
    const res = await test({ question: QUESTION });

    expect(res.status).toBe(200);
    const result = res.body;
    expect(result.permissions).toEqual({ user: ADMIN, mode: 'policy' });
    const [search] = result.searches;
    expect(search.step).toBe('search');
    expect(search.vector.text).toBe(QUESTION);
    expect(search.vector.embeddingModel).toMatch(/\S/);
    expect(search.vector.candidates.map((c: any) => c.rank)).toEqual([
      1, 2, 3, 4,
    ]);
    expect(search.keyword.tsquery).toContain("'refund'");
    expect(search.keyword.andFallback).toBe(false);
    const keywordTitles = search.keyword.candidates.map(
      (c: any) => c.title ?? 'hidden',
    );
    expect(keywordTitles).toEqual(
      expect.arrayContaining(['Refunds', 'hidden']),
    );
    expect(keywordTitles).not.toContain('Pager');

    // The payments chunk was a candidate; the admin may not read it, so it is removed and
    // shown without its title or text.
    expect(result.removedByPermission).toBe(1);
    const removed = search.fused.filter((c: any) => c.removedByPermission);
    expect(removed).toEqual([
      expect.objectContaining({ hidden: true, returned: true }),
    ]);
    expect(removed[0].title).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain('charges cards');

    // The fused list has every candidate of either leg, with where each leg ranked it.
    expect(search.fused.map((c: any) => c.rank)).toEqual([1, 2, 3, 4]);
    const refunds = search.fused.find((c: any) => c.title === 'Refunds');
    expect(refunds).toEqual(
      expect.objectContaining({
        vectorRank: expect.any(Number),
        keywordRank: 1,
      }),
    );

    // The prompt gets what the chat gives the same user for the same question.
    const chat = await backend.chat({ message: QUESTION }, { user: ADMIN });
    expect(result.promptChunks.map((c: any) => c.title)).toEqual(
      sourceTitles(chat.events),
    );
    expect(result.promptChunks[0]).toEqual(
      expect.objectContaining({ n: 1, title: 'Refunds' }),
    );
    expect(result.promptChunks[0].content).toContain('billing console');
    await waitForTitle(backend, 'Refunds', ADMIN);
  });

  it('as another user, filters as for a user who may read no entity, and says so', async () => {
    const res = await test({
      question: 'How are invoices and refunds sent for orders?',
      asUser: 'user:default/Jane',
    });

    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual({
      user: 'user:default/Jane',
      mode: 'noEntities',
    });
    const titles = res.body.promptChunks.map((c: any) => c.title);
    expect(titles).not.toContain('Billing');
    expect(titles).not.toContain('Payments');
    // Billing is removed for that user, but the admin may read it, so its title shows.
    const removed = res.body.searches
      .flatMap((s: any) => s.fused)
      .filter((c: any) => c.removedByPermission);
    expect(removed.map((c: any) => c.title ?? 'hidden').sort()).toEqual(
      expect.arrayContaining(['Billing', 'hidden']),
    );

    const self = await test({ question: QUESTION, asUser: ADMIN });
    expect(self.body.permissions.mode).toBe('policy');
  });

  it('replays an answer of the admin’s own from what was recorded when it was given, and nobody else’s', async () => {
    const chat = await backend.chat(
      { message: 'Who refunds orders?', entityRef: BILLING },
      { user: ADMIN },
    );
    const { messageId } = chat.events.find(
      e => e.type === 'conversation',
    )!.data;

    const res = await replay(messageId);

    expect(res.status).toBe(200);
    expect(res.body.question).toBe('Who refunds orders?');
    expect(res.body.entityRef).toBe(BILLING);
    expect(res.body.searches[0].step).toBe('entity');
    expect(res.body.replay).toEqual(
      expect.objectContaining({
        messageId,
        embeddingModel: res.body.replay.currentEmbeddingModel,
      }),
    );
    expect(
      res.body.replay.answeredSources.map((s: { title: string }) => s.title),
    ).toEqual(sourceTitles(chat.events));
    expect(res.body.promptChunks.map((c: any) => c.title)).toEqual(
      sourceTitles(chat.events),
    );

    // Another admin's, a user's or an unknown message: 404; a non-admin: 403.
    expect((await replay(messageId, OTHER_ADMIN)).status).toBe(404);
    expect((await replay('not-a-message')).status).toBe(404);
    expect((await replay('00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
    expect((await replay(messageId, USER)).status).toBe(403);
    await waitForTitle(backend, 'Refunds', ADMIN);
  });

  it('refuses non-admins with 403 and bad input with a 4xx that says what is wrong', async () => {
    const denied = await test({ question: QUESTION }, USER);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('ai-assistant.ingestion.admin');
    const service = await request(backend.server)
      .post('/api/ai-assistant/admin/retrieval-test')
      .set('Authorization', backend.serviceAuth())
      .send({ question: QUESTION });
    expect(service.status).toBe(403);

    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'question'],
      [{ question: '   ' }, 400, 'question must not be empty'],
      [{ question: 'x', role: 'system' }, 400, 'role'],
      [{ question: 'x', asUser: 'group:default/team' }, 400, 'asUser'],
      [{ question: 'x', entityRef: 'payments' }, 400, 'entityRef'],
      [{ question: 'x'.repeat(201) }, 413, 'maxMessageLength'],
    ];
    for (const [body, status, says] of cases) {
      const res = await test(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.error.message).toContain(says);
    }
  });
});
