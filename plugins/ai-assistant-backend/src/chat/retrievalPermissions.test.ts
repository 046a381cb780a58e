import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
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

const ENTITIES = 2000;
const name = (index: number) => `svc-${String(index).padStart(4, '0')}`;
const refOf = (index: number) => `component:default/${name(index)}`;

// Every entity owns one chunk, and every chunk matches the question in both search legs.
const documents = Array.from({ length: ENTITIES }, (_, index) =>
  doc(
    name(index),
    `Service ${name(index)} deploys through the shared release pipeline.`,
    { title: name(index), entityRef: refOf(index) },
  ),
);

const RESTRICTED = 'user:default/restricted';
const isReadable = (title: string) => Number(title.slice(4)) % 20 === 0;

/**
 * A policy under which the restricted user may read one catalog entity in twenty (5 %, 100 of
 * 2,000) and everyone else may read everything; remembers how many entities each user's
 * calls asked about.
 */
class OneInTwentyFor extends RecordingPermissions {
  readonly asked = new Map<string, number>();

  async authorize(requests: any[], options?: any) {
    await super.authorize(requests);
    const user = options?.credentials?.principal?.userEntityRef;
    const entities = requests.filter(
      r => r.permission.name === catalogEntityReadPermission.name,
    ).length;
    this.asked.set(user, (this.asked.get(user) ?? 0) + entities);
    return requests.map(r => ({
      result:
        user !== RESTRICTED ||
        r.permission.name !== catalogEntityReadPermission.name ||
        isReadable(r.resourceRef.split('/')[1])
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })) as any;
  }
}

/** The titles of the sources in the system prompt of one model call. */
const promptTitles = (system: string) =>
  [...system.matchAll(/<source n="\d+" title="([^"]+)"/g)].map(m => m[1]);

describe.each(databases.eachId())(
  'retrieval under permissions on %s',
  databaseId => {
    it('gives a user who may read 5 % of the entities a full top 10 of readable chunks, and asks about every entity only when needed', async () => {
      const model = new ScriptedChatModel(messages =>
        isTitleRequest(messages)
          ? { tokens: ['Release pipeline'] }
          : { tokens: ['Through the release pipeline [1].'] },
      );
      const permissions = new OneInTwentyFor();
      const backend = await startChatBackend({
        models: [scriptedModel('scripted/one', model)],
        documents,
        permissions,
        config: { storage: { pgVector: { amount: 10 } } },
        knex:
          databaseId === 'POSTGRES_15'
            ? await databases.init(databaseId)
            : undefined,
      });
      const question = {
        message: 'How does a service deploy through the release pipeline?',
      };
      const sourcesOf = (events: Array<{ type: string; data: any }>) =>
        events
          .find(e => e.type === 'sources')!
          .data.sources.map((s: { title: string }) => s.title);

      const restricted = await backend.chat(question, { user: RESTRICTED });
      const [restrictedPrompt] = model
        .systemPrompts()
        .filter((_p, i) => !isTitleRequest(model.calls[i]));

      // A full top 10, in the sources the user sees and in what the model was shown, all of
      // entities the user may read.
      expect(restricted.events.at(-1)!.type).toBe('done');
      const sources: string[] = sourcesOf(restricted.events);
      expect(sources).toHaveLength(10);
      expect(new Set(sources).size).toBe(10);
      expect(sources.filter(title => !isReadable(title))).toEqual([]);
      expect(promptTitles(restrictedPrompt)).toEqual(sources);
      const denied = documents
        .map(d => d.title)
        .filter(title => !isReadable(title));
      expect(denied.filter(title => restrictedPrompt.includes(title))).toEqual(
        [],
      );

      // A user who may read everything gets the same full top 10 from the first search,
      // without a permission check of every entity in the catalog.
      const everything = await backend.chat(question, {
        user: 'user:default/b',
      });
      expect(sourcesOf(everything.events)).toHaveLength(10);
      expect(permissions.asked.get('user:default/b')).toBeLessThanOrEqual(30);
      expect(permissions.asked.get(RESTRICTED)).toBeLessThanOrEqual(ENTITIES);

      // Nothing may write after the backend stops.
      await waitForTitle(backend, 'Release pipeline', RESTRICTED);
      await waitForTitle(backend, 'Release pipeline', 'user:default/b');
      await backend.stop();
    });
  },
);
