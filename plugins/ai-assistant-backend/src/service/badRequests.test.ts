import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  type BadRequest,
  buildCorpus,
  PerUserPermissions,
} from '../__testUtils__/badRequestCorpus';
import { startChatBackend } from '../__testUtils__/chatBackend';
import { knexFor } from '../__testUtils__/chatScenarios';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(180_000);

const databases = knowledgeTestDatabases();

describe.each(databases.eachId())('bad requests on %s', databaseId => {
  it('answers a corpus of over 1,000 malformed, oversized, wrong-type, wrong-role and foreign-id requests with 4xx only, and keeps serving', async () => {
    const model = new ScriptedChatModel(messages =>
      isTitleRequest(messages) ? { tokens: ['A title'] } : { tokens: ['Hi'] },
    );
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model)],
      permissions: new PerUserPermissions(),
      // Without a token the test backend would act as a default user; production refuses.
      features: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
      config: {
        chat: { maxMessageLength: 200, rateLimit: { requests: 100_000 } },
      },
      knex: await knexFor(databases, databaseId),
    });
    const base = backend.base;
    const b = await backend.chat(
      { message: 'mine' },
      { user: 'user:default/b' },
    );
    const own = await backend.chat({ message: 'mine too' });
    const ownConversation = own.events[0].data.conversationId;
    const ownDetails = await (
      await fetch(`${base}/conversations/${ownConversation}`, {
        headers: { authorization: backend.auth('user:default/a') },
      })
    ).json();
    const [question, answer] = ownDetails.messages;

    const corpus = buildCorpus({
      foreignConversation: b.events[0].data.conversationId,
      foreignMessage: b.events[0].data.messageId,
      ownMessageOfUser: question.id,
      auth: backend.auth,
      service: backend.serviceAuth(),
    }).map(r => ({
      ...r,
      path: r.path
        .replace('{own}', ownConversation)
        .replace('{answer}', answer.id),
    }));
    // Every case several times, as a flood would send them.
    const requests: BadRequest[] = [];
    while (requests.length < 1_000) requests.push(...corpus);
    expect(requests.length).toBeGreaterThanOrEqual(1_000);

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++];
        const headers: Record<string, string> = {};
        if (r.auth) headers.authorization = r.auth;
        if (r.body !== undefined) {
          headers['content-type'] = r.contentType ?? 'application/json';
        }
        const res = await fetch(`${base}${r.path}`, {
          method: r.method,
          headers,
          body: r.body,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status < 400 || res.status >= 500) {
          failures.push(
            `${r.what}: ${r.method} ${r.path.slice(0, 80)} → ${res.status} ${text.slice(0, 200)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    expect(failures).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual(
      expect.arrayContaining([400, 401, 403, 404, 413]),
    );

    // Nothing above changed anyone's data, and the backend still answers.
    const after = await backend.chat({ message: 'still there?' });
    expect(after.events.at(-1)!.type).toBe('done');
    const mine = await (
      await fetch(`${base}/conversations/${ownConversation}`, {
        headers: { authorization: backend.auth('user:default/a') },
      })
    ).json();
    expect(mine.title).not.toBe('x');
    expect(mine.messages).toHaveLength(2);
    const theirs = await fetch(`${base}/conversations`, {
      headers: { authorization: backend.auth('user:default/b') },
    });
    expect((await theirs.json()).total).toBe(1);
    await backend.stop();
  });
});
