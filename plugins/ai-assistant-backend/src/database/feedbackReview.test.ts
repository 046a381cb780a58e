import { NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { ConversationStore } from './ConversationStore';

jest.setTimeout(60_000);

const databases = knowledgeTestDatabases();

const source = {
  source: 'docs',
  documentId: 'deploy',
  title: 'Deploying',
  url: 'https://docs.example.com/deploy',
  score: 0.8,
};

/** A conversation of `user` with one exchange per question; returns the answers' ids. */
async function converse(
  store: ConversationStore,
  user: string,
  exchanges: Array<[question: string, answer: string]>,
): Promise<string[]> {
  const conversation = await store.createConversation(user, 't');
  const ids: string[] = [];
  for (const [question, answer] of exchanges) {
    await store.addMessage(conversation.id, {
      role: 'user',
      content: question,
    });
    const message = await store.addMessage(conversation.id, {
      role: 'assistant',
      content: answer,
      modelId: 'scripted/one',
      sources: [source],
    });
    ids.push(message.id);
  }
  return ids;
}

// Ratings made within the same instant would order by id; the tests say which came first.
async function ratedAt(knex: Knex, messageId: string, iso: string) {
  await knex('message_feedback')
    .where({ message_id: messageId })
    .update({ created_at: new Date(iso) });
}

describe.each(databases.eachId())('Feedback review on %s', databaseId => {
  it('lists the thumbs-down answers of every user newest first, with question, comment, sources and model, a page at a time', async () => {
    const knex = await databases.init(databaseId);
    const store = ConversationStore.create({ knex });
    const [first, liked] = await converse(store, 'user:default/a', [
      ['How do I deploy?', 'Run make deploy.'],
      ['And roll back?', 'Run make rollback.'],
    ]);
    const [other] = await converse(store, 'user:default/b', [
      ['Who is on call?', 'Nobody.'],
    ]);
    await store.rateMessage(first, 'user:default/a', {
      rating: 'down',
      comment: 'We deploy with Argo now',
    });
    await store.rateMessage(liked, 'user:default/a', { rating: 'up' });
    await store.rateMessage(other, 'user:default/b', { rating: 'down' });
    await ratedAt(knex, first, '2026-12-01T10:00:00Z');
    await ratedAt(knex, other, '2026-12-02T10:00:00Z');

    const page = await store.listFeedbackForReview({
      limit: 20,
      offset: 0,
      status: 'unreviewed',
    });
    expect(page.total).toBe(2);
    expect(page.items).toEqual([
      expect.objectContaining({
        messageId: other,
        question: 'Who is on call?',
        answer: 'Nobody.',
      }),
      {
        messageId: first,
        conversationId: expect.any(String),
        rating: 'down',
        comment: 'We deploy with Argo now',
        ratedAt: '2026-12-01T10:00:00.000Z',
        question: 'How do I deploy?',
        answer: 'Run make deploy.',
        modelId: 'scripted/one',
        sources: [source],
        answeredAt: expect.any(String),
      },
    ]);
    expect(page.items[0]).not.toHaveProperty('comment');

    const second = await store.listFeedbackForReview({
      limit: 1,
      offset: 1,
      status: 'unreviewed',
    });
    expect(second).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(second.items.map(item => item.messageId)).toEqual([first]);
  });

  it('marks one reviewed, once, and a new rating of the answer needs review again', async () => {
    const knex = await databases.init(databaseId);
    const store = ConversationStore.create({ knex });
    const [bad, worse, good] = await converse(store, 'user:default/a', [
      ['q1', 'a1'],
      ['q2', 'a2'],
      ['q3', 'a3'],
    ]);
    await store.rateMessage(bad, 'user:default/a', { rating: 'down' });
    await store.rateMessage(worse, 'user:default/a', { rating: 'down' });
    await store.rateMessage(good, 'user:default/a', { rating: 'up' });
    const ids = async (status: 'unreviewed' | 'reviewed' | 'all') =>
      (
        await store.listFeedbackForReview({ limit: 20, offset: 0, status })
      ).items
        .map(item => item.messageId)
        .sort();

    const reviewed = await store.markFeedbackReviewed(
      bad,
      'user:default/admin',
    );
    expect(reviewed).toMatchObject({
      messageId: bad,
      reviewedBy: 'user:default/admin',
      reviewedAt: expect.any(String),
    });
    expect(await ids('unreviewed')).toEqual([worse]);
    expect(await ids('reviewed')).toEqual([bad]);
    expect(await ids('all')).toEqual([bad, worse].sort());

    // A second admin marking it changes nothing: the first review stands.
    const again = await store.markFeedbackReviewed(bad, 'user:default/other');
    expect(again).toMatchObject({
      reviewedBy: 'user:default/admin',
      reviewedAt: reviewed.reviewedAt,
    });

    await store.rateMessage(bad, 'user:default/a', {
      rating: 'down',
      comment: 'still wrong',
    });
    expect(await ids('unreviewed')).toEqual([bad, worse].sort());

    for (const id of [
      good,
      'not-a-uuid',
      '00000000-0000-4000-8000-000000000000',
    ]) {
      await expect(
        store.markFeedbackReviewed(id, 'user:default/admin'),
      ).rejects.toThrow(NotFoundError);
    }
  });

  it("returns each answer's rating and comment with the conversation, for the page to show after a reload", async () => {
    const knex = await databases.init(databaseId);
    const store = ConversationStore.create({ knex });
    const user = 'user:default/a';
    const [down, up, unrated] = await converse(store, user, [
      ['q1', 'a1'],
      ['q2', 'a2'],
      ['q3', 'a3'],
    ]);
    await store.rateMessage(down, user, { rating: 'down', comment: 'stale' });
    await store.rateMessage(up, user, { rating: 'up' });
    const [{ conversation_id: conversationId }] = await knex('conversation')
      .where({ id: down })
      .select('conversation_id');

    const { messages } = await store.listMessagesPage(conversationId, user, {
      limit: 10,
    });
    const feedbackOf = (id: string) =>
      messages.find(message => message.id === id)?.feedback;
    expect(feedbackOf(down)).toEqual({ rating: 'down', comment: 'stale' });
    expect(feedbackOf(up)).toEqual({ rating: 'up' });
    expect(feedbackOf(unrated)).toBeUndefined();
    expect(
      messages.filter(message => message.role === 'user' && message.feedback),
    ).toEqual([]);
  });
});
