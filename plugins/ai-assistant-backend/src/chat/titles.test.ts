import request from 'supertest';
import { doc } from '../__testUtils__/fakes';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { fallbackTitle } from './TitleGenerator';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const question = 'How do we deploy payments?';

/**
 * Answers every question differently (as answers built from different users' sources are) and
 * names a conversation after the answer it is given, as a real model does.
 */
function numberedAnswers() {
  let answers = 0;
  return new ScriptedChatModel(messages => {
    if (isTitleRequest(messages)) {
      const answer = /Answer: (.*)$/s.exec(String(messages[1].content))?.[1];
      return { tokens: [`About ${answer}`] };
    }
    answers += 1;
    return { tokens: [`answer ${answers}`] };
  });
}

/** The title of the user's newest conversation once the generated title has replaced the first words. */
async function generatedTitle(
  backend: Awaited<ReturnType<typeof startChatBackend>>,
  user: string,
): Promise<string> {
  return waitFor(async () => {
    const res = await request(backend.server)
      .get('/api/ai-assistant/conversations')
      .set('Authorization', backend.auth(user));
    const title: string | undefined = res.body.conversations?.[0]?.title;
    return title && title !== fallbackTitle(question) ? title : undefined;
  });
}

describe.each(databases.eachId())(
  'Titles leak across users on %s',
  databaseId => {
    async function start() {
      return startChatBackend({
        models: [scriptedModel('scripted/one', numberedAnswers())],
        documents: [doc('argo', 'Deployments use Argo CD.')],
        knex:
          databaseId === 'POSTGRES_15'
            ? await databases.init(databaseId)
            : undefined,
      });
    }

    it('names a conversation after its own answer, never after the answer another user got to the same question', async () => {
      const backend = await start();
      try {
        const first = await backend.chat(
          { message: question },
          { user: 'user:default/owner' },
        );
        expect(first.events.at(-1)?.type).toBe('done');
        expect(await generatedTitle(backend, 'user:default/owner')).toBe(
          'About answer 1',
        );

        const second = await backend.chat(
          { message: question },
          { user: 'user:default/other' },
        );
        expect(second.events.at(-1)?.type).toBe('done');
        expect(await generatedTitle(backend, 'user:default/other')).toBe(
          'About answer 2',
        );
      } finally {
        await backend.stop();
      }
    });

    it('keeps nothing of a title once the user deleted their conversations', async () => {
      const backend = await start();
      const user = 'user:default/owner';
      try {
        await backend.chat({ message: question }, { user });
        expect(await generatedTitle(backend, user)).toBe('About answer 1');

        await request(backend.server)
          .delete('/api/ai-assistant/conversations')
          .set('Authorization', backend.auth(user))
          .expect(204);

        await backend.chat({ message: question }, { user });
        expect(await generatedTitle(backend, user)).toBe('About answer 2');
      } finally {
        await backend.stop();
      }
    });
  },
);
