import type { Knex } from 'knex';
import { CountingEmbeddings } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import { sha256 } from '../ingestion/chunking';
import { KnowledgeStore } from './KnowledgeStore';
import type { SearchLegs } from './searchTrace';
import { EmbeddingModel, embeddingModelKey } from './vectorIndex';

jest.setTimeout(180_000);

const databases = knowledgeTestDatabases();
const DIMS = 16;
const model: EmbeddingModel = {
  key: embeddingModelKey('fake', 'bow', DIMS),
  dimensions: DIMS,
};
const words = new CountingEmbeddings(DIMS);

async function write(store: KnowledgeStore, id: string, chunks: string[]) {
  await store.writeDocument(
    {
      source: 'docs',
      documentId: id,
      title: `Document ${id}`,
      url: `https://docs.example.com/${id}`,
      contentHash: sha256(JSON.stringify(chunks)),
      metadata: {},
    },
    chunks.map(content => ({
      content,
      contentHash: sha256(content),
      embedding: words.vector(content),
    })),
  );
}

/** A traced search and the same search untraced. */
async function traced(store: KnowledgeStore, text: string, limit = 3) {
  const query = { text, vector: words.vector(text), limit };
  let legs: SearchLegs | undefined;
  const results = await store.search(query, trace => {
    legs = trace;
  });
  return { results, legs: legs!, untraced: await store.search(query) };
}

describe.each(databases.eachId())('a traced search on %s', databaseId => {
  let knex: Knex;
  let store: KnowledgeStore;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    store = KnowledgeStore.create({ knex, model });
  });

  it("returns what the untraced search returns, with each leg's candidates, the tsquery and every fused candidate", async () => {
    await write(store, 'runbook', [
      'Rotate the vault tokens monthly with the rotation job.',
      'The rotation job runs in the platform namespace.',
    ]);
    await write(store, 'pipeline', ['The release pipeline deploys services.']);
    await write(store, 'oncall', ['On-call engineers own the pager rota.']);
    await write(store, 'vault', ['Vault stores secrets for services.']);

    const { results, legs, untraced } = await traced(
      store,
      'How do I rotate vault tokens?',
      2,
    );

    expect(results).toEqual(untraced);
    expect(results).toHaveLength(2);
    // The fused ranking holds every candidate of either leg, the returned ones first.
    expect(legs.fused.slice(0, 2)).toEqual(results);
    const fusedIds = legs.fused.map(chunk => chunk.chunkId);
    for (const candidate of [...legs.vector, ...legs.keyword]) {
      expect(fusedIds).toContain(candidate.chunkId);
    }
    expect(legs.fused.length).toBeGreaterThan(2);
    expect(legs.limit).toBe(2);
    // The vector leg ranks every chunk of the model by distance, 1 first.
    expect(legs.vector.map(c => c.rank)).toEqual([1, 2, 3, 4, 5]);
    // The keyword leg: the question's indexed terms, OR-ed, and the chunks they match.
    expect(legs.andFallback).toBe(false);
    expect(legs.terms.map(term => term.lexeme).sort()).toEqual([
      'rotat',
      'token',
      'vault',
    ]);
    expect(legs.tsquery).toMatch(/'token'/);
    expect(legs.tsquery).toContain(' | ');
    const keywordTop = legs.fused.find(
      chunk => chunk.chunkId === legs.keyword[0].chunkId,
    );
    expect(keywordTop?.content).toBe(
      'Rotate the vault tokens monthly with the rotation job.',
    );
    expect(legs.keyword[0].score).toBeGreaterThan(legs.keyword[1].score);
  });

  it('shows the AND fallback when every word of the question is common', async () => {
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

    const { legs } = await traced(store, 'alpha beta');

    expect(legs.andFallback).toBe(true);
    expect(legs.tsquery).toMatch(/^'(alpha|beta)' & '(alpha|beta)'$/);
    expect(legs.keyword).toHaveLength(1);
    const [hit] = legs.fused.filter(c => c.chunkId === legs.keyword[0].chunkId);
    expect(hit.content).toBe('The alpha and beta pipelines share a runner.');
  });

  it('reports no tsquery when no word of the question is indexed', async () => {
    await write(store, 'pipeline', ['The release pipeline deploys services.']);

    const { legs, results } = await traced(store, 'zebra quokka');

    expect(legs.tsquery).toBeUndefined();
    expect(legs.keyword).toEqual([]);
    expect(legs.terms).toEqual([]);
    // The vector leg still finds the one chunk.
    expect(results).toHaveLength(1);
  });
});
