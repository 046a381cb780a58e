import type { EvalReport } from './evaluate';
import type { RetrievalMetrics } from './metrics';

const fixed = (value: number) => value.toFixed(3);

/** The figures as a markdown table: one row per search mode and kind of question. */
export function markdownTable(report: EvalReport): string {
  const lines = [
    '| mode | questions | recall@1 | recall@5 | recall@10 | MRR@10 |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const row = (label: string, m: RetrievalMetrics) =>
    `| ${label} | ${m.questions} | ${fixed(m.recallAt1)} | ${fixed(m.recallAt5)} | ${fixed(m.recallAt10)} | ${fixed(m.mrrAt10)} |`;
  for (const [mode, figures] of Object.entries(report.modes)) {
    lines.push(row(`**${mode}**`, figures.overall));
    for (const [kind, metrics] of Object.entries(figures.byKind)) {
      lines.push(row(`${mode}: ${kind}`, metrics));
    }
  }
  return lines.join('\n');
}

/** The figures a baseline keeps: overall and per kind, for each mode. */
export function baselineOf(report: EvalReport) {
  return {
    settings: report.settings,
    embeddings: report.embeddings,
    modes: Object.fromEntries(
      Object.entries(report.modes).map(([mode, { overall, byKind }]) => [
        mode,
        { overall, byKind },
      ]),
    ),
  };
}

/** A stored baseline, as written by `--write-baseline`. */
export type Baseline = ReturnType<typeof baselineOf>;

/**
 * The regressions of a report against a baseline, as sentences: hybrid recall@5 or MRR@10
 * overall more than `tolerance` below the baseline, or hybrid recall@5 of a kind more than
 * `kindTolerance` below (a kind has fewer questions, so one question moves it further).
 */
export function regressions(
  report: EvalReport,
  baseline: Baseline,
  tolerance: { overall: number; kind: number },
): string[] {
  const found: string[] = [];
  const compare = (
    label: string,
    key: 'recallAt5' | 'mrrAt10',
    now: RetrievalMetrics | undefined,
    then: RetrievalMetrics,
    allowed: number,
  ) => {
    const value = now?.[key] ?? 0;
    if (value < then[key] - allowed - 1e-9) {
      found.push(
        `${label} ${key} fell from ${fixed(then[key])} to ${fixed(value)} (tolerance ${allowed})`,
      );
    }
  };
  const now = report.modes.hybrid;
  const then = baseline.modes.hybrid;
  if (!now || !then)
    return ['the baseline or the report has no hybrid figures'];
  compare(
    'hybrid overall',
    'recallAt5',
    now.overall,
    then.overall,
    tolerance.overall,
  );
  compare(
    'hybrid overall',
    'mrrAt10',
    now.overall,
    then.overall,
    tolerance.overall,
  );
  for (const [kind, metrics] of Object.entries(then.byKind)) {
    compare(
      `hybrid ${kind}`,
      'recallAt5',
      now.byKind[kind],
      metrics,
      tolerance.kind,
    );
  }
  return found;
}
