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
});
