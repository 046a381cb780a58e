import type { BaseMessage } from '@langchain/core/messages';
import { doc } from '../__testUtils__/fakes';
import { DenyEntityTo, startChatBackend } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

const SHARED_A = 'component:default/shared-a';
const SHARED_B = 'component:default/shared-b';

const seen = (messages: BaseMessage[]) =>
  messages.map(m => String(m.content)).join('\n');

describe.each(databases.eachId())(
  'repository squatting end to end on %s',
  databaseId => {
    it('repository squatting: a document several entities guard reaches only users who may read every one of them', async () => {
      const model = new ScriptedChatModel(messages =>
        isTitleRequest(messages)
          ? { tokens: ['Refunds'] }
          : { tokens: [seen(messages)] },
      );
      const backend = await startChatBackend({
        models: [scriptedModel('scripted/one', model)],
        documents: [
          // A repository two of its own entities claim (docs/permissions.md).
          doc(
            'shared',
            '# Shared\n\nRefunds are issued by the zebra-ledger job every night.',
            { entityRefs: [SHARED_A, SHARED_B] },
          ),
          doc(
            'handbook',
            '# Handbook\n\nRefunds to customers follow the public refund policy.',
          ),
        ],
        permissions: new DenyEntityTo(SHARED_B, 'user:default/a'),
        knex:
          databaseId === 'POSTGRES_15'
            ? await databases.init(databaseId)
            : undefined,
      });
      const answer = async (user: string) => {
        const { events } = await backend.chat(
          { message: 'How are refunds issued?' },
          { user },
        );
        return {
          text: events
            .filter(e => e.type === 'delta')
            .map(e => e.data.text)
            .join(''),
          sources: JSON.stringify(events.find(e => e.type === 'sources')?.data),
        };
      };

      const partial = await answer('user:default/a');
      expect(partial.text).toContain('public refund policy');
      expect(partial.text).not.toContain('zebra-ledger');
      expect(partial.sources).not.toMatch(/shared|zebra/);

      const full = await answer('user:default/b');
      expect(full.text).toContain('zebra-ledger');
      await backend.stop();
    });
  },
);
