import { doc } from '../__testUtils__/fakes';
import { DenyEntityTo, startChatBackend } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';

jest.setTimeout(180_000);

const databases = knowledgeTestDatabases();
const mainDatabase = databases.ids[0];

const PAYMENTS = 'component:default/payments';
const DENIED = 'user:default/denied';

// Five public documents match the question's words; the entity's own document matches none
// of them, so only the entity context can bring it into a top 3.
const documents = [
  ...Array.from({ length: 5 }, (_, index) =>
    doc(
      `pipeline-${index}`,
      `The release pipeline deploys a service: deployment step ${index} of the release pipeline.`,
      { title: `Release pipeline ${index}` },
    ),
  ),
  doc('payments', 'Payments charges cards at checkout and refunds orders.', {
    title: 'Payments',
    entityRef: PAYMENTS,
  }),
];

const QUESTION = 'How does the release pipeline deployment work for it?';

const sourceTitles = (events: Array<{ type: string; data: any }>) =>
  events
    .find(e => e.type === 'sources')!
    .data.sources.map((s: { title: string }) => s.title);

describe.each(databases.eachId())(
  'asking about an entity on %s',
  databaseId => {
    it("puts the entity's own knowledge first, names the entity in the prompt, and gives a user who may not read it none of its chunks", async () => {
      const model = new ScriptedChatModel(messages =>
        isTitleRequest(messages)
          ? { tokens: ['Payments'] }
          : { tokens: ['It charges cards [1].'] },
      );
      const backend = await startChatBackend({
        models: [scriptedModel('scripted/one', model)],
        documents,
        permissions: new DenyEntityTo(PAYMENTS, DENIED),
        config: { storage: { pgVector: { amount: 3 } } },
        knex:
          databaseId === 'POSTGRES_15'
            ? await databases.init(databaseId)
            : undefined,
      });
      const answerPrompts = () =>
        model
          .systemPrompts()
          .filter((_p, i) => !isTitleRequest(model.calls[i]));

      // Without the entity, its document is not among the best three.
      const plain = await backend.chat({ message: QUESTION });
      expect(plain.events.at(-1)!.type).toBe('done');
      expect(sourceTitles(plain.events)).not.toContain('Payments');
      expect(answerPrompts().at(-1)).not.toContain(PAYMENTS);

      // With it (kind in any case, as the catalog compares), the entity's document comes
      // first and the normal search fills the rest of the top 3.
      const about = await backend.chat({
        message: QUESTION,
        entityRef: 'Component:default/payments',
      });
      expect(about.events.at(-1)!.type).toBe('done');
      const titles = sourceTitles(about.events);
      expect(titles[0]).toBe('Payments');
      expect(titles).toHaveLength(3);
      const prompt = answerPrompts().at(-1)!;
      expect(prompt).toContain(
        `The user is asking about the catalog entity ${PAYMENTS}`,
      );
      expect(prompt).toContain('Payments charges cards at checkout');

      // A user who may not read the entity gets none of its chunks, only the normal search.
      const denied = await backend.chat(
        { message: QUESTION, entityRef: PAYMENTS },
        { user: DENIED },
      );
      expect(denied.events.at(-1)!.type).toBe('done');
      expect(sourceTitles(denied.events)).toHaveLength(3);
      expect(sourceTitles(denied.events)).not.toContain('Payments');
      expect(answerPrompts().at(-1)).not.toContain('charges cards');

      await backend.stop();
    });

    if (databaseId === mainDatabase) {
      it('refuses an entityRef that is not a full kind:namespace/name ref with a 400 saying so', async () => {
        const backend = await startChatBackend({
          models: [
            scriptedModel(
              'scripted/one',
              new ScriptedChatModel(() => ({ tokens: ['Hi'] })),
            ),
          ],
        });
        for (const entityRef of [
          'payments',
          'component:payments',
          'component:default/pay ments',
          'component:default/"x"',
          42,
        ]) {
          const response = await backend.chat({ message: 'Hi', entityRef });
          expect({ entityRef, status: response.status }).toEqual({
            entityRef,
            status: 400,
          });
          expect(response.events[0].data.error.message).toMatch(
            /^Invalid chat request: entityRef: /,
          );
        }
        await backend.stop();
      });
    }
  },
);
