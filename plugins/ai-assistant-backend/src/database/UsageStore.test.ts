import { randomUUID } from 'node:crypto';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { type AnswerUsage, UsageStore } from './UsageStore';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

const answer = (extra: Partial<AnswerUsage> = {}): AnswerUsage => ({
  messageId: randomUUID(),
  userRef: 'user:default/alice',
  modelId: 'ollama/llama3.2',
  inputTokens: 100,
  outputTokens: 10,
  estimated: false,
  status: 'complete',
  fallback: false,
  ...extra,
});

describe.each(databases.eachId())('UsageStore on %s', databaseId => {
  it("counts a user's tokens per UTC day, so the budget resets at midnight UTC", async () => {
    const store = UsageStore.create({ knex: await databases.init(databaseId) });
    await store.record(answer({ at: new Date('2026-12-02T23:59:59Z') }));
    await store.record(
      answer({ inputTokens: 30, at: new Date('2026-12-03T00:00:00Z') }),
    );
    await store.record(
      answer({
        userRef: 'user:default/bob',
        at: new Date('2026-12-03T08:00:00Z'),
      }),
    );

    expect(await store.tokensOfUser('user:default/alice', '2026-12-02')).toBe(
      110,
    );
    expect(await store.tokensOfUser('user:default/alice', '2026-12-03')).toBe(
      40,
    );
    expect(await store.tokensOfUser('user:default/carol', '2026-12-03')).toBe(
      0,
    );
  });

  it('replaces the totals of an answer recorded again after an approval, keeping its day, fallback and rating', async () => {
    const store = UsageStore.create({ knex: await databases.init(databaseId) });
    const paused = answer({
      status: 'awaiting_approval',
      fallback: true,
      at: new Date('2026-12-03T10:00:00Z'),
    });
    await store.record(paused);
    await store.recordFeedback(paused.messageId, 'up');
    await store.record({
      ...paused,
      inputTokens: 250,
      outputTokens: 40,
      estimated: true,
      status: 'complete',
      fallback: false,
      at: new Date('2026-12-04T10:00:00Z'),
    });

    const { rows } = await store.report('2026-12-01', '2026-12-31');
    expect(rows).toEqual([
      {
        day: '2026-12-03',
        modelId: 'ollama/llama3.2',
        chats: 1,
        users: 1,
        inputTokens: 250,
        outputTokens: 40,
        estimatedChats: 1,
        estimatedInputTokens: 250,
        estimatedOutputTokens: 40,
        errors: 0,
        fallbacks: 1,
        feedbackUp: 1,
        feedbackDown: 0,
      },
    ]);
  });
});
