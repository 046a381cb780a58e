import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import { countingEmbeddingsProvider } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { KnowledgeEntityRefs } from '../database/KnowledgeEntityRefs';
import { KnowledgeStore } from '../database/KnowledgeStore';
import { EmbeddingsService } from '../embeddings/EmbeddingsService';
import { sha256 } from '../ingestion/chunking';
import { Retriever } from './Retriever';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const credentials = mockCredentials.user('user:default/alice');
const ref = (name: string) => `component:default/${name}`;

/** Alice may read the entities in `readable` and no other; counts the entities asked about. */
class ReadablePermissions {
  asked = 0;

  constructor(private readonly readable: ReadonlySet<string>) {}

  async authorize(
    requests: AuthorizePermissionRequest[],
    _options: { credentials: BackstageCredentials },
  ) {
    this.asked += requests.length;
    return requests.map(request => ({
      result:
        request.resourceRef && this.readable.has(request.resourceRef)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }));
  }
}

describe.each(databases.eachId())('Retriever on %s', databaseId => {
  /** A retriever for a user who may read the named components (and none else). */
  async function setUp(readable: string[] = [], amount = 3) {
    const knex = await databases.init(databaseId);
    const provider = countingEmbeddingsProvider({ dimensions: 64 });
    const embeddings = new EmbeddingsService(provider);
    const store = KnowledgeStore.create({
      knex,
      model: () => embeddings.getModel(),
    });
    const permissions = new ReadablePermissions(new Set(readable.map(ref)));
    const retriever = new Retriever({
      store,
      entityRefs: KnowledgeEntityRefs.create({ knex }),
      embeddings,
      permissions: permissions as unknown as PermissionsService,
      amount,
    });
    /**
     * Stores one single-chunk document, guarded by the named components: by default the one
     * named like the document; none makes it public.
     */
    const write = (id: string, text: string, guards = [id]) => {
      const entityRefs = guards.map(ref);
      return store.writeDocument(
        {
          source: 'docs',
          documentId: id,
          title: id,
          url: `https://docs.example.com/${id}`,
          entityRef: entityRefs[0],
          entityRefs: entityRefs.length > 1 ? entityRefs : undefined,
          contentHash: sha256(text),
          metadata: {},
        },
        [
          {
            content: text,
            contentHash: sha256(text),
            embedding: provider.embeddings.vector(text),
          },
        ],
      );
    };
    /** The documents of the chunks retrieved, best first; `about`: a component's name. */
    const ids = async (question: string, about?: string) =>
      (
        await retriever.retrieve(
          question,
          credentials,
          undefined,
          about ? { entityRef: ref(about) } : undefined,
        )
      ).map(chunk => chunk.documentId);
    return { write, ids, permissions };
  }

  it('finds nothing in an empty store, without asking about any entity', async () => {
    const { ids, permissions } = await setUp();
    expect(await ids('how do I deploy the payments service')).toEqual([]);
    expect(permissions.asked).toBe(0);
  });

  it('answers with public chunks and chunks of readable entities, never one of an entity the user may not read', async () => {
    const { write, ids } = await setUp(['payments']);
    await write('payments', 'Deploy payments with the release pipeline.');
    await write('ledger', 'Deploy the ledger with the release pipeline.');
    await write('handbook', 'All services use the release pipeline.', []);

    const found = await ids('deploy with the release pipeline');
    expect(found.sort()).toEqual(['handbook', 'payments']);
  });

  it('drops a chunk guarded by several entities when the user may read only some of them', async () => {
    const { write, ids } = await setUp(['payments']);
    const both = ['payments', 'ledger'];
    await write('shared', 'Rotate the payments database password.', both);
    await write('own', 'Rotate the payments API keys.', ['payments']);

    expect(await ids('rotate payments password')).toEqual(['own']);
  });

  it('fills the answer with readable chunks when the best matches all belong to entities the user may not read', async () => {
    const { write, ids } = await setUp(['readable'], 2);
    // Ten unreadable chunks match the question word for word; the readable ones match less.
    const question = 'restart the kafka consumer after a broker failover';
    for (let i = 0; i < 10; i++) await write(`secret-${i}`, question);
    const readable = ['readable'];
    await write('readable-a', 'A kafka consumer needs a restart.', readable);
    await write('readable-b', 'After a failover, check kafka.', readable);

    expect((await ids(question)).sort()).toEqual(['readable-a', 'readable-b']);
  });

  it('ranks the chunk that matches the question in meaning and in a rare word above ones that match only loosely', async () => {
    const { write, ids } = await setUp();
    await write('oncall', 'Page the on-call engineer when checkout fails.', []);
    await write('checkout', 'Checkout error ERR_CART_4711: cart expired.', []);
    await write('cart', 'The cart keeps items for a day.', []);

    const found = await ids('what does ERR_CART_4711 mean at checkout');
    expect(found[0]).toBe('checkout');
  });

  it('puts the chunks of the entity the question is about first, unless the user may not read it', async () => {
    const { write, ids } = await setUp(['payments']);
    await write('payments', 'The payments service owns refunds.');
    await write('ledger', 'What does it do? The ledger records refunds.');
    await write('handbook', 'What does a service do? See the catalog.', []);

    const about = await ids('what does it do', 'payments');
    expect(about[0]).toBe('payments');
    expect(about).not.toContain('ledger');

    expect(await ids('what does it do', 'ledger')).not.toContain('ledger');
  });
});
