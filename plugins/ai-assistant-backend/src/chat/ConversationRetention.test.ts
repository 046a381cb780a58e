import { mockServices } from '@backstage/backend-test-utils';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { ConversationStore } from '../database/ConversationStore';
import {
  CONVERSATION_PURGE_TASK_ID,
  ConversationRetention,
} from './ConversationRetention';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

describe.each(databases.eachId())('conversation retention on %s', id => {
  it('purges conversations inactive longer than the retention, with their messages, on a schedule', async () => {
    const knex = await databases.init(id);
    const store = ConversationStore.create({ knex });
    const old = await store.createConversation('user:default/a', 'old');
    await store.addMessage(old.id, { role: 'user', content: 'long ago' });
    const recent = await store.createConversation('user:default/b', 'recent');
    const day = 24 * 3600 * 1000;
    await knex('conversations')
      .where({ id: old.id })
      .update({ updated_at: new Date(Date.now() - 100 * day) });

    const scheduler = mockServices.scheduler.mock();
    const retention = new ConversationRetention({
      store,
      scheduler,
      logger: mockServices.logger.mock(),
      retentionMs: 90 * day,
    });
    await retention.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: CONVERSATION_PURGE_TASK_ID,
        scope: 'global',
      }),
    );
    // What the scheduler runs.
    await scheduler.scheduleTask.mock.calls[0][0].fn(
      new AbortController().signal,
    );

    expect((await knex('conversations').select('id')).map(r => r.id)).toEqual([
      recent.id,
    ]);
    expect(await knex('conversation').count({ n: '*' })).toEqual([
      { n: expect.anything() },
    ]);
    expect(Number((await knex('conversation').count({ n: '*' }))[0].n)).toBe(0);
    expect(await retention.purge()).toBe(0);
  });

  it('schedules nothing when no retention is configured', async () => {
    const scheduler = mockServices.scheduler.mock();
    await new ConversationRetention({
      store: {} as ConversationStore,
      scheduler,
      logger: mockServices.logger.mock(),
    }).start();
    expect(scheduler.scheduleTask).not.toHaveBeenCalled();
  });
});
