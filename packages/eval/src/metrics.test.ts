import type { EvalReport } from './evaluate';
import { scoreQuestion, summarizeByKind } from './metrics';
import { baselineOf, markdownTable, regressions } from './report';

const question = (id: string, kind: string, gold: string) => ({
  id,
  kind,
  question: `question ${id}`,
  gold_path: gold,
});

function report(ranks: Array<[string, string[]]>): EvalReport {
  const questions = ranks.map(([kind, docs], i) =>
    scoreQuestion(question(`q${i}`, kind, 'gold.md'), docs),
  );
  return {
    corpus: { documents: 3, chunks: 9, ingestSeconds: 1 },
    embeddings: { provider: 'local', model: 'm', dimensions: 100 },
    settings: {
      chunkSize: 500,
      chunkOverlap: 50,
      vectorWeight: 0.5,
      textWeight: 1,
    },
    modes: { hybrid: { ...summarizeByKind(questions), questions } },
  };
}

describe('retrieval metrics', () => {
  it('scores the distinct documents of the top chunks, each at the rank of its first chunk', () => {
    const result = scoreQuestion(question('q', 'keyword', 'gold.md'), [
      'a.md',
      'a.md',
      'b.md',
      'gold.md',
      'b.md',
    ]);
    expect(result.documents).toEqual(['a.md', 'b.md', 'gold.md']);
    expect(result.rank).toBe(3);

    const figures = summarizeByKind([
      result,
      scoreQuestion(question('r', 'how-to', 'gold.md'), ['gold.md']),
      scoreQuestion(question('s', 'how-to', 'gold.md'), ['x.md']),
    ]);
    expect(figures.overall).toEqual({
      questions: 3,
      recallAt1: 1 / 3,
      recallAt5: 2 / 3,
      recallAt10: 2 / 3,
      mrrAt10: (1 / 3 + 1) / 3,
    });
    expect(figures.byKind['how-to'].recallAt1).toBe(0.5);
  });

  it('fails the gate when recall@5 drops more than the tolerance, and names what fell', () => {
    const found = ['gold.md'];
    const missed = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md', 'gold.md'];
    const baseline = baselineOf(
      report(Array.from({ length: 10 }, () => ['paraphrase', found])),
    );
    // One question of ten lost: recall@5 falls 0.1, more than 0.02.
    const worse = report([
      ['paraphrase', missed],
      ...Array.from({ length: 9 }, (): [string, string[]] => [
        'paraphrase',
        found,
      ]),
    ]);
    expect(regressions(worse, baseline, { overall: 0.02, kind: 0.2 })).toEqual([
      'hybrid overall recallAt5 fell from 1.000 to 0.900 (tolerance 0.02)',
      'hybrid overall mrrAt10 fell from 1.000 to 0.917 (tolerance 0.02)',
    ]);
    expect(regressions(worse, baseline, { overall: 0.2, kind: 0.05 })).toEqual([
      'hybrid paraphrase recallAt5 fell from 1.000 to 0.900 (tolerance 0.05)',
    ]);
    expect(
      regressions(
        report(Array.from({ length: 10 }, () => ['paraphrase', found])),
        baseline,
        {
          overall: 0.02,
          kind: 0.05,
        },
      ),
    ).toEqual([]);
    expect(markdownTable(worse)).toContain(
      '| hybrid: paraphrase | 10 | 0.900 | 0.900 | 1.000 | 0.917 |',
    );
  });
});
