import {
  cosineSimilarity,
  runEmbeddingsProviderConformanceTests,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { LocalEmbeddings } from './LocalEmbeddings';

// The first embedding loads 300 MB of word vectors, a few seconds.
jest.setTimeout(60_000);

describe('LocalEmbeddings', () => {
  const embeddings = new LocalEmbeddings();
  const similarity = async (a: string, b: string) => {
    const [va, vb] = await embeddings.embedDocuments([a, b]);
    return cosineSimilarity(va, vb);
  };

  beforeAll(async () => {
    await embeddings.embedQuery('warm up');
  });

  it('ranks a paraphrase above an unrelated text', async () => {
    const query = 'deploy a service to kubernetes';
    expect(
      await similarity(query, 'kubernetes deployment for the service'),
    ).toBeGreaterThan(await similarity(query, 'the cafeteria lunch menu'));
  });

  it('relates texts that share meaning but no words', async () => {
    const query = 'the server ran out of memory and crashed';
    expect(
      await similarity(query, 'the process exhausted its RAM and died'),
    ).toBeGreaterThan(
      await similarity(query, 'the team celebrated a birthday with cake'),
    );
    expect(
      await similarity('a cat sat on the mat', 'a kitten slept on the rug'),
    ).toBeGreaterThan(
      await similarity('a cat sat on the mat', 'stock markets fell sharply'),
    );
  });

  it('finds the right document for a question among several topics', async () => {
    const documents = [
      'Reset your password from the account settings page if you forgot it.',
      'Database backups run every night and are stored for thirty days.',
      'Vacation requests must be approved by your manager in the HR portal.',
      'The CI pipeline runs unit tests and lint checks on every pull request.',
    ];
    const vectors = await embeddings.embedDocuments(documents);
    const best = async (question: string) => {
      const q = await embeddings.embedQuery(question);
      const scores = vectors.map(v => cosineSimilarity(q, v));
      return documents[scores.indexOf(Math.max(...scores))];
    };
    await expect(best('I want to take a holiday next month')).resolves.toBe(
      documents[2],
    );
    await expect(best('when do the database copies get made')).resolves.toBe(
      documents[1],
    );
    await expect(best('the build is red because a test broke')).resolves.toBe(
      documents[3],
    );
    await expect(best('I forgot my login')).resolves.toBe(documents[0]);
  });

  it('returns the same unit-length vector for the same text every time', async () => {
    const text = 'The payment service processes refunds.';
    const first = await embeddings.embedQuery(text);
    const again = await new LocalEmbeddings().embedQuery(text);
    expect(again).toEqual(first);
    expect(Math.hypot(...first)).toBeCloseTo(1, 6);
  });

  it.each([
    ['empty text', ''],
    ['whitespace', ' \n\t '],
    ['punctuation only', '?!... ---'],
    ['unknown words only', 'xqzvw blorptastic'],
  ])('returns a finite non-zero vector for %s', async (_, text) => {
    const vector = await embeddings.embedQuery(text);
    expect(vector).toHaveLength(LocalEmbeddings.dimensions);
    expect(vector.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
  });

  it('tells unknown words apart and matches them to themselves', async () => {
    const a = await embeddings.embedQuery('xqzvw');
    expect(
      cosineSimilarity(a, await embeddings.embedQuery('xqzvw')),
    ).toBeCloseTo(1, 6);
    expect(
      cosineSimilarity(a, await embeddings.embedQuery('blorptastic')),
    ).toBeLessThan(0.5);
  });

  it('understands the parts of code identifiers', async () => {
    expect(
      await similarity('paymentService', 'the payment service'),
    ).toBeGreaterThan(0.9);
  });
});

runEmbeddingsProviderConformanceTests('local', {
  createProvider: () => ({
    id: 'local',
    model: LocalEmbeddings.model,
    dimensions: LocalEmbeddings.dimensions,
    embeddings: new LocalEmbeddings(),
  }),
});
