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
const ALICE = 'user:default/alice';
const credentials = mockCredentials.user(ALICE);

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
  async function setUp(readable: string[] = [], amount = 3) {
    const knex = await databases.init(databaseId);
    const provider = countingEmbeddingsProvider({ dimensions: 64 });
    const embeddings = new EmbeddingsService(provider);
    const store = KnowledgeStore.create({
      knex,
      model: () => embeddings.getModel(),
    });
    const permissions = new ReadablePermissions(new Set(readable));
    const retriever = new Retriever({
      store,
      entityRefs: KnowledgeEntityRefs.create({ knex }),
      embeddings,
      permissions: permissions as unknown as PermissionsService,
      amount,
    });
    /** Stores one single-chunk document, guarded by `entityRefs` (none: public). */
    const write = (id: string, text: string, ...entityRefs: string[]) =>
      store.writeDocument(
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
    const ids = async (question: string, about?: { entityRef: string }) =>
      (await retriever.retrieve(question, credentials, undefined, about)).map(
        chunk => chunk.documentId,
      );
    return { write, ids, permissions };
  }

  it('finds nothing in an empty store, without asking about any entity', async () => {
    const { ids, permissions } = await setUp();
    expect(await ids('how do I deploy the payments service')).toEqual([]);
    expect(permissions.asked).toBe(0);
  });

  it('answers with public chunks and chunks of readable entities, never one of an entity the user may not read', async () => {
    const { write, ids } = await setUp(['component:default/payments']);
    await write(
      'payments',
      'Deploy the payments service with the release pipeline.',
      'component:default/payments',
    );
    await write(
      'ledger',
      'Deploy the ledger service with the release pipeline.',
      'component:default/ledger',
    );
    await write('handbook', 'Every service deploys with the release pipeline.');

    const found = await ids('deploy service release pipeline');
    expect(found.sort()).toEqual(['handbook', 'payments']);
  });

  it('drops a chunk guarded by several entities when the user may read only some of them', async () => {
    const { write, ids } = await setUp(['component:default/payments']);
    await write(
      'shared',
      'Rotate the database credentials of the payments service.',
      'component:default/payments',
      'component:default/ledger',
    );
    await write(
      'own',
      'Rotate the API keys of the payments service.',
      'component:default/payments',
    );

    expect(await ids('rotate payments credentials')).toEqual(['own']);
  });

  it('fills the answer with readable chunks when the best matches all belong to entities the user may not read', async () => {
    const { write, ids } = await setUp(['component:default/readable'], 2);
    // Ten unreadable chunks match the question word for word; the readable ones match less.
    for (let i = 0; i < 10; i++) {
      await write(
        `secret-${i}`,
        'Restart the kafka consumer after a broker failover.',
        `component:default/secret-${i}`,
      );
    }
    await write(
      'readable-a',
      'A kafka consumer needs a restart sometimes.',
      'component:default/readable',
    );
    await write(
      'readable-b',
      'After a broker failover, check the kafka dashboards.',
      'component:default/readable',
    );

    const found = await ids(
      'restart the kafka consumer after a broker failover',
    );
    expect(found.sort()).toEqual(['readable-a', 'readable-b']);
  });

  it('ranks the chunk that matches the question in meaning and in a rare word above ones that match only loosely', async () => {
    const { write, ids } = await setUp();
    await write('oncall', 'Page the on-call engineer when checkout fails.');
    await write(
      'checkout',
      'Checkout error ERR_CART_4711 means the cart expired.',
    );
    await write('cart', 'The cart keeps items for a day.');

    expect((await ids('what does ERR_CART_4711 mean at checkout'))[0]).toBe(
      'checkout',
    );
  });

  it('puts the chunks of the entity the question is about first, unless the user may not read it', async () => {
    const { write, ids } = await setUp(['component:default/payments']);
    await write(
      'payments',
      'The payments service owns refunds.',
      'component:default/payments',
    );
    await write(
      'ledger',
      'What does the service do? The ledger service records every refund and every payment.',
      'component:default/ledger',
    );
    await write(
      'handbook',
      'What does a service do? Every service has a one-line purpose in the catalog.',
    );

    const about = await ids('what does it do', {
      entityRef: 'component:default/payments',
    });
    expect(about[0]).toBe('payments');
    expect(about).not.toContain('ledger');

    const unreadable = await ids('what does it do', {
      entityRef: 'component:default/ledger',
    });
    expect(unreadable).not.toContain('ledger');
  });
});
