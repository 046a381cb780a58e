import type { Knex } from 'knex';
import { CountingEmbeddings } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { sha256 } from '../ingestion/chunking';
import {
  KnowledgeQuery,
  KnowledgeStore,
  SearchMode,
  StoredChunk,
} from './KnowledgeStore';
import { EmbeddingModel, embeddingModelKey } from './vectorIndex';

jest.setTimeout(180_000);

const databases = knowledgeTestDatabases();
const DIMS = 16;
const model: EmbeddingModel = {
  key: embeddingModelKey('fake', 'bow', DIMS),
  dimensions: DIMS,
};
const words = new CountingEmbeddings(DIMS);

/** A chunk: its text, or its text with where it is and, optionally, its own vector. */
type ChunkSpec =
  | string
  | {
      content: string;
      title?: string;
      section?: string;
      anchor?: string;
      vector?: number[];
    };

async function write(
  store: KnowledgeStore,
  id: string,
  chunks: ChunkSpec[],
  options: { source?: string; title?: string } = {},
) {
  const stored: StoredChunk[] = chunks.map(spec => {
    const chunk = typeof spec === 'string' ? { content: spec } : spec;
    const { vector, ...rest } = chunk as { vector?: number[] };
    return {
      ...(rest as Omit<StoredChunk, 'contentHash' | 'embedding'>),
      contentHash: sha256(chunk.content),
      embedding: vector ?? words.vector(chunk.content),
    };
  });
  await store.writeDocument(
    {
      source: options.source ?? 'docs',
      documentId: id,
      title: options.title ?? `Document ${id}`,
      url: `https://docs.example.com/${id}`,
      contentHash: sha256(JSON.stringify(chunks)),
      metadata: {},
    },
    stored,
  );
}

const query = (
  text: string,
  extra: Partial<KnowledgeQuery> = {},
): KnowledgeQuery => ({
  text,
  vector: words.vector(text),
  limit: 5,
  ...extra,
});

describe.each(databases.eachId())('keyword search on %s', databaseId => {
  let knex: Knex;
  let store: KnowledgeStore;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    store = KnowledgeStore.create({ knex, model });
    await store.prepareModel();
  });

  const search = (text: string, mode: SearchMode = 'keyword', limit = 5) =>
    store.search(query(text, { mode, limit }));
  const first = async (text: string, mode: SearchMode = 'keyword') =>
    (await search(text, mode))[0]?.content;

  describe('term counts', () => {
    const terms = async () =>
      (
        await knex.raw(
          // Rows at zero are terms whose last chunk went; they match nothing either way.
          `SELECT lexeme, chunks FROM keyword_terms WHERE chunks <> 0 ORDER BY lexeme`,
        )
      ).rows;

    it('stay what a full recount gives after new, changed, unchanged, concurrent and pruned documents', async () => {
      await write(store, 'a', [
        'Deploy the payments service with Helm.',
        'Roll back the payments release.',
      ]);
      await write(store, 'b', [
        'The on-call engineer pages the payments team.',
      ]);
      await write(
        store,
        'c',
        [
          {
            content: 'Rotate keys.',
            title: 'Vault',
            section: 'Secrets > Keys',
          },
        ],
        { source: 'other' },
      );
      // Changed: fewer chunks, some words gone, some new.
      await write(store, 'a', ['Deploy the payments service with Argo CD.']);
      // Unchanged: written again as it was.
      await write(store, 'b', [
        'The on-call engineer pages the payments team.',
      ]);
      // Written at once, sharing words (and the row that counts all chunks).
      await Promise.all(
        ['d', 'e', 'f', 'g'].map(id =>
          write(store, id, [
            `Payments runbook ${id}: restart the payments pods.`,
            `Escalate payments incidents of ${id}.`,
          ]),
        ),
      );
      await write(store, 'h', []);
      expect(
        await store.pruneDocuments('docs', new Set(['a', 'd', 'e', 'h'])),
      ).toEqual({ documents: 3, chunks: 5 });

      const maintained = await terms();
      await store.rebuildKeywordIndex();
      expect(maintained).toEqual(await terms());

      // And the counts are the ones a reader expects: a, d, e and c are left.
      const count = (lexeme: string) =>
        maintained.find((row: { lexeme: string }) => row.lexeme === lexeme)
          ?.chunks;
      expect(count('')).toBe(6);
      expect(count('payment')).toBe(5);
      expect(count('helm')).toBeUndefined();
      expect(count('vault')).toBe(1);
      expect(count('oncal')).toBeUndefined();
    });

    it('are recounted from chunks loaded by other means', async () => {
      await write(store, 'a', ['Kubernetes deployment guide.']);
      await knex.raw(`DELETE FROM keyword_terms`);
      expect(await first('kubernetes')).toBeUndefined();

      await store.rebuildKeywordIndex();
      expect(await first('kubernetes')).toBe('Kubernetes deployment guide.');
    });
  });

  it('ranks the chunk with the rare term of the question above chunks that repeat a common one', async () => {
    for (let i = 0; i < 10; i++) {
      await write(store, `service-${i}`, [
        `The service ${i} deployment: deployment steps of the service, deployment checks of the service.`,
      ]);
    }
    await write(store, 'quarantine', [
      'A quarantined node takes no new pods until it is released.',
    ]);

    expect(await first('service deployment quarantine')).toBe(
      'A quarantined node takes no new pods until it is released.',
    );
  });

  it('finds the chunks that have all the words of a question whose every word is common', async () => {
    // Over a thousand chunks each (the match budget): the leg matches them together.
    const filler = (word: string, document: number) =>
      Array.from(
        { length: 110 },
        (_, i) => `Note ${document * 110 + i} about the ${word} pipeline.`,
      );
    for (let document = 0; document < 10; document++) {
      await write(store, `alpha-${document}`, filler('alpha', document));
      await write(store, `beta-${document}`, filler('beta', document));
    }
    await write(store, 'both', [
      'The alpha and beta pipelines share a runner.',
    ]);

    expect(await first('alpha beta')).toBe(
      'The alpha and beta pipelines share a runner.',
    );
  });

  describe('identifiers', () => {
    const identifiers = [
      'Set GOMEMLIMIT to 90% of the container memory limit.',
      'Pass --enable-client-verification to require client certificates.',
      'Annotate the Ingress with cert-manager.io/issuer-name to pick an issuer.',
      'Set waitInsteadOfSelfCheck on the solver to skip the self check.',
      'Use --dns01-recursive-nameservers to list the DNS servers that answer.',
      'AWS_ACCESS_KEY_ID holds the access key of the Route53 user.',
      'spec.acme.solvers lists the challenge solvers.',
    ];
    // Chunks with the same words as plain text, so that only the identifier decides.
    const lookalikes = [
      'The memory limit of a container is set in the pod spec; Go services need one.',
      'Client verification: enable it to verify the certificates a client presents.',
      'An issuer name says which cert manager issuer signs; annotate the resource.',
      'Wait for the check instead of skipping it: the self check of the solver.',
      'DNS servers that are recursive answer for other nameservers; list them.',
      'The AWS access key and its id are those of an IAM user.',
      'The spec of an issuer holds its acme settings.',
    ];

    beforeEach(async () => {
      await write(store, 'identifiers', identifiers);
      await write(store, 'lookalikes', lookalikes);
      // A few documents the words are common in, as in a real corpus.
      for (let i = 0; i < 5; i++) {
        await write(store, `filler-${i}`, [
          `The client of issuer ${i} checks the memory of each container and the access key.`,
        ]);
      }
    });

    it.each([
      ['GOMEMLIMIT', 0],
      ['what does gomemlimit do?', 0],
      ['--enable-client-verification', 1],
      ['how do I use enable-client-verification', 1],
      ['cert-manager.io/issuer-name annotation', 2],
      ['the issuer-name annotation', 2],
      ['waitInsteadOfSelfCheck', 3],
      ['wait_instead_of_self_check', 3],
      ['--dns01-recursive-nameservers', 4],
      ['dns01 recursive nameservers flag', 4],
      ['AWS_ACCESS_KEY_ID', 5],
      ['awsAccessKeyId', 5],
      ['spec.acme.solvers', 6],
      ['spec acme solvers', 6],
    ])('finds the chunk of %p first', async (text, expected) => {
      expect(await first(text)).toBe(identifiers[expected]);
    });
  });

  it('finds a chunk by its document title and its section though its text has neither word', async () => {
    await write(
      store,
      'zk',
      [
        {
          content: 'Run the command below and wait for the rollout.',
          section: 'Upgrades > Canary releases',
          anchor: 'canary-releases',
        },
      ],
      { title: 'Zookeeper operations' },
    );
    await write(
      store,
      'cassandra',
      [
        {
          content: 'Run the command below and wait for the repair.',
          title: 'Cassandra — Repairs',
        },
      ],
      { title: 'Cassandra' },
    );
    await write(store, 'other', ['Run the command below and wait.']);

    const [zookeeper] = await search('zookeeper');
    expect(zookeeper).toMatchObject({
      documentId: 'zk',
      title: 'Zookeeper operations',
      section: 'Upgrades > Canary releases',
      anchor: 'canary-releases',
    });
    expect((await search('canary'))[0].documentId).toBe('zk');
    expect((await search('repairs'))[0].documentId).toBe('cassandra');
  });

  it('fills the top five with several documents, not five chunks of one', async () => {
    await write(
      store,
      'backup-guide',
      Array.from(
        { length: 8 },
        (_, i) =>
          `Postgres backup and restore, part ${i}: restore the postgres backup with pg_restore.`,
      ),
    );
    await write(store, 'dr-plan', [
      'Disaster recovery restores the postgres backup in the second region.',
    ]);
    await write(store, 'cron', [
      'A nightly job takes the postgres backup and uploads it.',
    ]);
    for (let i = 0; i < 6; i++) {
      await write(store, `unrelated-${i}`, [
        `The cafeteria menu of week ${i} has soup and bread.`,
      ]);
    }

    const results = await search('restore the postgres backup', 'hybrid');
    expect(results).toHaveLength(5);
    const documents = new Set(results.map(r => r.documentId));
    expect(documents.size).toBeGreaterThan(1);
    expect([...documents]).toEqual(
      expect.arrayContaining(['backup-guide', 'dr-plan', 'cron']),
    );
    // Scores still fall from first to last.
    const scores = results.map(r => r.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it('ranks by one leg alone in vector mode and in keyword mode', async () => {
    const question = 'how do I renew the xylophone certificate';
    // Found only by its meaning: its vector is the question's, its text shares no word.
    await write(store, 'by-meaning', [
      {
        content: 'They are replaced automatically every sixty days.',
        vector: words.vector(question),
      },
    ]);
    // Found only by its word: its vector points elsewhere.
    await write(store, 'by-word', [
      {
        content: 'The xylophone team owns it.',
        vector: words.vector('lunch menu soup bread cafeteria'),
      },
    ]);
    for (let i = 0; i < 6; i++) {
      await write(store, `near-${i}`, [
        {
          content: `Filler ${i}.`,
          vector: words.vector(`how do I renew certificate ${i}`),
        },
      ]);
    }

    const ids = async (mode: SearchMode) =>
      (await search(question, mode)).map(r => r.documentId);
    const vector = await ids('vector');
    expect(vector[0]).toBe('by-meaning');
    expect(vector).not.toContain('by-word');

    expect(await ids('keyword')).toEqual(['by-word']);
  });

  it("ranks the one chunk that has the question's rare word high in hybrid mode, however far its vector", async () => {
    const question = 'who owns the xylophone service';
    await write(store, 'owner', [
      {
        content: 'The xylophone service belongs to team tuba.',
        vector: words.vector('lunch menu soup bread cafeteria'),
      },
    ]);
    for (let i = 0; i < 8; i++) {
      await write(store, `near-${i}`, [
        {
          content: `Filler ${i}.`,
          vector: words.vector(`who owns the service ${i}`),
        },
      ]);
    }

    // The keyword leg finds it alone: its best hit, whatever the other leg says.
    const [best] = await search(question, 'hybrid');
    expect(best.documentId).toBe('owner');
  });
});
