import { NotFoundError } from '@backstage/errors';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { ConversationStore } from './ConversationStore';

jest.setTimeout(60_000);

const databases = knowledgeTestDatabases();

describe.each(databases.eachId())('ConversationStore on %s', databaseId => {
  it('keeps messages in order with their sources and lists conversations newest first', async () => {
    const store = ConversationStore.create({
      knex: await databases.init(databaseId),
    });
    const older = await store.createConversation('user:default/a', 'Older');
    const newer = await store.createConversation('user:default/a', null);
    await store.addMessage(newer.id, { role: 'user', content: 'hi' });
    await store.addMessage(newer.id, {
      role: 'assistant',
      content: 'hello [1]',
      modelId: 'fake/one',
      sources: [
        {
          source: 'docs',
          documentId: 'd',
          title: 'D',
          url: 'https://d',
          score: 0.5,
        },
      ],
      usage: { totalTokens: 3 },
    });

    const page = await store.listConversations('user:default/a', {
      limit: 10,
      offset: 0,
    });
    expect(page.total).toBe(2);
    expect(page.conversations.map(c => c.id)).toEqual([newer.id, older.id]);

    const messages = await store.listMessages(newer.id, 'user:default/a');
    expect(messages.map(m => [m.role, m.content])).toEqual([
      ['user', 'hi'],
      ['assistant', 'hello [1]'],
    ]);
    expect(messages[1]).toMatchObject({
      status: 'complete',
      modelId: 'fake/one',
      sources: [{ title: 'D', score: 0.5 }],
      usage: { totalTokens: 3 },
    });
  });

  it('Security review 12: pages the messages of a conversation, newest page first, with a cursor for older ones', async () => {
    const store = ConversationStore.create({
      knex: await databases.init(databaseId),
    });
    const user = 'user:default/a';
    const conversation = await store.createConversation(user, 'Long');
    for (let i = 0; i < 7; i++) {
      await store.addMessage(conversation.id, {
        role: i % 2 ? 'assistant' : 'user',
        content: `m${i}`,
      });
    }
    const contents = (page: { messages: Array<{ content: string }> }) =>
      page.messages.map(m => m.content);

    const newest = await store.listMessagesPage(conversation.id, user, {
      limit: 3,
    });
    expect(contents(newest)).toEqual(['m4', 'm5', 'm6']);
    expect(newest.hasOlderMessages).toBe(true);
    const middle = await store.listMessagesPage(conversation.id, user, {
      limit: 3,
      before: newest.messages[0].id,
    });
    expect(contents(middle)).toEqual(['m1', 'm2', 'm3']);
    expect(middle.hasOlderMessages).toBe(true);
    const oldest = await store.listMessagesPage(conversation.id, user, {
      limit: 3,
      before: middle.messages[0].id,
    });
    expect(contents(oldest)).toEqual(['m0']);
    expect(oldest.hasOlderMessages).toBe(false);

    // A cursor that is not a message of this conversation is bad input.
    const other = await store.createConversation(user, 'Other');
    const foreign = await store.addMessage(other.id, {
      role: 'user',
      content: 'x',
    });
    await expect(
      store.listMessagesPage(conversation.id, user, {
        limit: 3,
        before: foreign.id,
      }),
    ).rejects.toThrow(/before.*not a message of this conversation/);
    // Another user's conversation stays missing.
    await expect(
      store.listMessagesPage(conversation.id, 'user:default/b', { limit: 3 }),
    ).rejects.toThrow(NotFoundError);
  });

  it("treats another user's conversations and messages as missing", async () => {
    const store = ConversationStore.create({
      knex: await databases.init(databaseId),
    });
    const mine = await store.createConversation('user:default/a', 'Mine');
    const answer = await store.addMessage(mine.id, {
      role: 'assistant',
      content: 'x',
    });
    const other = 'user:default/b';
    await expect(store.getConversation(mine.id, other)).rejects.toThrow(
      NotFoundError,
    );
    await expect(store.renameConversation(mine.id, other, 't')).rejects.toThrow(
      NotFoundError,
    );
    await expect(store.deleteConversation(mine.id, other)).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      store.rateMessage(answer.id, other, { rating: 'up' }),
    ).rejects.toThrow(NotFoundError);
    await expect(store.getConversation('not-a-uuid', other)).rejects.toThrow(
      NotFoundError,
    );
    expect(
      (await store.listConversations(other, { limit: 10, offset: 0 })).total,
    ).toBe(0);
  });

  it('deletes messages and feedback with their conversation', async () => {
    const knex = await databases.init(databaseId);
    const store = ConversationStore.create({ knex });
    const conversation = await store.createConversation('user:default/a', 't');
    const answer = await store.addMessage(conversation.id, {
      role: 'assistant',
      content: 'x',
    });
    await store.rateMessage(answer.id, 'user:default/a', {
      rating: 'down',
      comment: 'wrong',
    });
    expect(await store.getFeedback(answer.id)).toEqual({
      rating: 'down',
      comment: 'wrong',
    });
    await store.deleteConversation(conversation.id, 'user:default/a');
    expect(Number((await knex('conversation').count({ n: '*' }))[0].n)).toBe(0);
    expect(await store.getFeedback(answer.id)).toBeUndefined();
  });
  it('pages all conversations by cursor, exactly once each, even when one moves to the top in between', async () => {
    const knex = await databases.init(databaseId);
    const store = ConversationStore.create({ knex });
    const user = 'user:default/a';
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await store.createConversation(user, `c${i}`)).id);
    }
    // Created one after the other, but a clock may give two of them the same time (PGlite's
    // has milliseconds): their order is set here, a second apart.
    for (const i of [0, 1, 5, 6]) {
      await knex('conversations')
        .where({ id: ids[i] })
        .update({ updated_at: `2020-01-01T00:00:0${i}Z` });
    }
    // Three active in the same millisecond, two of them in the same microsecond: the cursor
    // must tell them apart by the full time and then by id.
    await knex('conversations')
      .whereIn('id', [ids[2], ids[3]])
      .update({ updated_at: '2001-12-01T10:00:00.123456Z' });
    await knex('conversations')
      .where({ id: ids[4] })
      .update({ updated_at: '2001-12-01T10:00:00.123999Z' });
    const titles = (page: { conversations: Array<{ title: string | null }> }) =>
      page.conversations.map(c => c.title);

    const first = await store.listConversations(user, { limit: 3, offset: 0 });
    expect(first.total).toBe(7);
    expect(titles(first)).toEqual(['c6', 'c5', 'c1']);
    expect(first.nextCursor).toEqual(expect.any(String));

    // c0 gets a new message: it moves to the top, and paging on neither repeats nor skips.
    await store.addMessage(ids[0], { role: 'user', content: 'again' });
    const second = await store.listConversations(user, {
      limit: 3,
      offset: 0,
      before: first.nextCursor,
    });
    const sameMicrosecond = [ids[2], ids[3]].sort().reverse();
    expect(second.conversations.map(c => c.id)).toEqual([
      ids[4],
      ...sameMicrosecond,
    ]);
    // That was all: c0 is now at the top of the first page instead.
    expect(second.nextCursor).toBeUndefined();
    expect(
      titles(await store.listConversations(user, { limit: 3, offset: 0 }))[0],
    ).toBe('c0');

    // A page holding the last conversation says there is no more.
    const all = await store.listConversations(user, { limit: 7, offset: 0 });
    expect(all.conversations).toHaveLength(7);
    expect(all.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not give out, with a message saying so', async () => {
    const store = ConversationStore.create({
      knex: await databases.init(databaseId),
    });
    const user = 'user:default/a';
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    for (const before of [
      'garbage',
      cursor('2026-12-01T10:00:00.123456Z|not-a-uuid'),
      cursor(
        '2026-02-30T10:00:00.000000Z|00000000-0000-4000-8000-000000000000',
      ),
      cursor('2026-12-01T10:00:00Z|00000000-0000-4000-8000-000000000000'),
    ]) {
      await expect(
        store.listConversations(user, { limit: 3, offset: 0, before }),
      ).rejects.toThrow(/before: not a nextCursor/);
    }
  });

  it('finds conversations by any part of their title, in any case, taking % and _ literally', async () => {
    const store = ConversationStore.create({
      knex: await databases.init(databaseId),
    });
    const user = 'user:default/a';
    for (const title of [
      'Deploying Payments',
      'payments refunds',
      'On-call rota',
      '100% uptime',
      '100 percent_uptime',
      null,
    ]) {
      await store.createConversation(user, title);
    }
    await store.createConversation('user:default/b', 'Payments of b');
    const search = async (q: string, limit = 10) =>
      store.listConversations(user, { limit, offset: 0, q });

    const payments = await search('PAYMENT');
    expect(payments.conversations.map(c => c.title).sort()).toEqual([
      'Deploying Payments',
      'payments refunds',
    ]);
    expect(payments.total).toBe(2);
    expect((await search('0%')).conversations.map(c => c.title)).toEqual([
      '100% uptime',
    ]);
    expect((await search('t_u')).conversations.map(c => c.title)).toEqual([
      '100 percent_uptime',
    ]);
    expect((await search('nothing like it')).total).toBe(0);

    // Searching and paging together: the cursor keeps the filter's order.
    const first = await search('payments', 1);
    const second = await store.listConversations(user, {
      limit: 1,
      offset: 0,
      q: 'payments',
      before: first.nextCursor,
    });
    expect(
      [...first.conversations, ...second.conversations]
        .map(c => c.title)
        .sort(),
    ).toEqual(['Deploying Payments', 'payments refunds']);
    expect(second.nextCursor).toBeUndefined();
  });
});
