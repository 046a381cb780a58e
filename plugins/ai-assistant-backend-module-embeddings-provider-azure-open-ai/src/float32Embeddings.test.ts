import { readFloat32Embeddings } from './float32Embeddings';

const base64 = (values: number[]) =>
  Buffer.from(new Float32Array(values).buffer).toString('base64');

describe('readFloat32Embeddings', () => {
  it('reads the base64 vectors of an answer in the order of data', () => {
    const body = JSON.stringify({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: base64([0.5, -1, 2]) },
        { object: 'embedding', index: 1, embedding: base64([3, 0.25, -0]) },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    const vectors = readFloat32Embeddings(Buffer.from(body));
    expect(vectors.map(v => Array.from(v))).toEqual([
      [0.5, -1, 2],
      [3, 0.25, -0],
    ]);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
  });

  it('reads pretty-printed answers, escaped slashes, numbers, and keys in any order', () => {
    const escaped = base64([1.5, 2.5, 3.5, -7]).replace(/\//g, '\\/');
    const body = `{
      "data" : [
        { "embedding" :
            "${escaped}", "index": 0, "note": "an \\"embedding\\": \\"AAAA\\"" },
        {"index":1,"embedding":[4, 5, 6, 7]}
      ],
      "embedding": "not a vector of data"
    }`;
    const vectors = readFloat32Embeddings(Buffer.from(body));
    expect(vectors.map(v => Array.from(v))).toEqual([
      [1.5, 2.5, 3.5, -7],
      [4, 5, 6, 7],
    ]);
  });

  it('refuses an answer whose vectors differ in length, or without data', () => {
    const body = JSON.stringify({
      data: [{ embedding: base64([1, 2]) }, { embedding: base64([1, 2, 3]) }],
    });
    expect(() => readFloat32Embeddings(Buffer.from(body))).toThrow(
      'no vector of 2 dimensions at data[1]',
    );
    expect(() =>
      readFloat32Embeddings(Buffer.from('{"error":{"message":"x"}}')),
    ).toThrow('no data array');
  });
});
