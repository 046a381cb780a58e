/** One question of a golden set, in the `../shared/eval` format (one JSON object per line). */
export interface EvalQuestion {
  id: string;
  /** Free-form group, e.g. `keyword`, `paraphrase`, `how-to`; figures are also given per kind. */
  kind: string;
  question: string;
  /** Id of the document that answers it: its path relative to the corpus folder. */
  gold_path: string;
}

/** Retrieval figures over a set of questions, each a mean in [0, 1]. */
export interface RetrievalMetrics {
  questions: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrrAt10: number;
}

/** How one question fared: the rank of its gold document among the distinct documents, if found. */
export interface QuestionResult {
  id: string;
  kind: string;
  /** 1-based rank of the gold document in the distinct documents of the top chunks. */
  rank?: number;
  /** The distinct documents retrieved, best first. */
  documents: string[];
}

/**
 * The distinct documents of ranked chunks, each at the rank of its first chunk: the scoring
 * rule of the golden set (`../shared/eval/README.md`).
 */
export function distinctDocuments(chunkDocumentIds: string[]): string[] {
  return [...new Set(chunkDocumentIds)];
}

/** Scores one question from the document ids of its top chunks, best first. */
export function scoreQuestion(
  question: EvalQuestion,
  chunkDocumentIds: string[],
): QuestionResult {
  const documents = distinctDocuments(chunkDocumentIds);
  const index = documents.indexOf(question.gold_path);
  return {
    id: question.id,
    kind: question.kind,
    rank: index >= 0 ? index + 1 : undefined,
    documents,
  };
}

/** Means of recall@1/5/10 and MRR@10 over question results. */
export function summarize(results: QuestionResult[]): RetrievalMetrics {
  const mean = (value: (result: QuestionResult) => number) =>
    results.length === 0
      ? 0
      : results.reduce((sum, result) => sum + value(result), 0) /
        results.length;
  const within = (k: number) => (result: QuestionResult) =>
    result.rank !== undefined && result.rank <= k ? 1 : 0;
  return {
    questions: results.length,
    recallAt1: mean(within(1)),
    recallAt5: mean(within(5)),
    recallAt10: mean(within(10)),
    mrrAt10: mean(result =>
      result.rank !== undefined && result.rank <= 10 ? 1 / result.rank : 0,
    ),
  };
}

/** Figures overall and per kind of question, kinds in order of first appearance. */
export function summarizeByKind(results: QuestionResult[]): {
  overall: RetrievalMetrics;
  byKind: Record<string, RetrievalMetrics>;
} {
  const kinds = [...new Set(results.map(result => result.kind))];
  return {
    overall: summarize(results),
    byKind: Object.fromEntries(
      kinds.map(kind => [
        kind,
        summarize(results.filter(result => result.kind === kind)),
      ]),
    ),
  };
}
