/*
 * The retrieval evaluation command (docs/retrieval-quality.md):
 *
 *   yarn eval [--corpus DIR] [--questions FILE] [--database URL] [--config FILE]... [--json FILE]
 *             [--baseline FILE [--tolerance 0.02] [--kind-tolerance 0.05]] [--write-baseline FILE]
 *
 * Ingests every markdown/text file under the corpus folder through the plugin's real pipeline
 * (embedded PGlite by default, or an empty PostgreSQL + pgvector database), asks every
 * question in hybrid, vector-only and keyword-only mode, and prints recall@1/5/10 and MRR@10
 * overall and per kind as a markdown table, then as JSON. With --baseline it exits 1 when the
 * figures fall below the baseline by more than the tolerance. --config reads the chunking and
 * hybrid settings (`aiAssistant.storage.pgVector.*`) of app-config files.
 */
import {
  openPgliteKnowledgeDatabase,
  prepareKnowledgeDatabase,
  readKnowledgeSettings,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';
import knexFactory, { Knex } from 'knex';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { parse as parseYaml } from 'yaml';
import { parseArgs } from 'node:util';
import { evaluate } from './evaluate';
import type { EvalQuestion } from './metrics';
import { Baseline, baselineOf, markdownTable, regressions } from './report';

// yarn runs the root script in the repository root; relative paths are the caller's.
const callerDir = process.env.INIT_CWD ?? process.cwd();
// eslint-disable-next-line no-restricted-syntax -- a CLI run from the repository by tsx, never built
const repoRoot = resolve(__dirname, '../../..');
const OPEN_SET = resolve(repoRoot, '../shared/eval/cert-manager-docs');

const usage = `Usage: yarn eval [--corpus DIR] [--questions FILE] [--database URL] [--config app-config.yaml]... [--json FILE]
                 [--baseline FILE [--tolerance 0.02] [--kind-tolerance 0.05]] [--write-baseline FILE]
Defaults: the open golden set in ${OPEN_SET}, embedded PGlite, local embeddings.`;

async function readQuestions(file: string): Promise<EvalQuestion[]> {
  const lines = (await readFile(file, 'utf8'))
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
  return lines.map((line, index) => {
    const question = JSON.parse(line);
    for (const key of ['id', 'question', 'gold_path'] as const) {
      if (typeof question[key] !== 'string') {
        throw new Error(`${file}:${index + 1}: "${key}" must be a string`);
      }
    }
    return { ...question, kind: String(question.kind ?? 'all') };
  });
}

/**
 * The `aiAssistant.*` settings of the given app-config files (later files win, as in
 * Backstage), so that a team evaluates the chunking and hybrid settings it runs with.
 */
async function readSettings(files: string[]) {
  const configs = await Promise.all(
    files.map(async file => ({
      data: parseYaml(await readFile(file, 'utf8')) ?? {},
      context: file,
    })),
  );
  return readKnowledgeSettings(ConfigReader.fromConfigs(configs));
}

async function openDatabase(url?: string): Promise<Knex> {
  if (!url) {
    return openPgliteKnowledgeDatabase();
  }
  const knex = knexFactory({ client: 'pg', connection: url });
  await prepareKnowledgeDatabase(knex);
  const { rows } = await knex.raw('SELECT count(*) AS n FROM documents');
  if (Number(rows[0].n) > 0) {
    await knex.destroy();
    throw new Error(
      `The database at --database already holds ${rows[0].n} documents; give an empty database so that only the corpus is searched`,
    );
  }
  return knex;
}

async function main() {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      questions: { type: 'string' },
      database: { type: 'string' },
      config: { type: 'string', multiple: true },
      json: { type: 'string' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'string' },
      tolerance: { type: 'string', default: '0.02' },
      'kind-tolerance': { type: 'string', default: '0.05' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const path = (value: string) => resolve(callerDir, value);
  const corpusDir = values.corpus ? path(values.corpus) : `${OPEN_SET}/corpus`;
  // A corpus given without questions has its questions.jsonl beside it.
  let questionsFile = `${OPEN_SET}/questions.jsonl`;
  if (values.questions) {
    questionsFile = path(values.questions);
  } else if (values.corpus) {
    questionsFile = resolve(dirname(corpusDir), 'questions.jsonl');
  }
  for (const [label, file] of [
    ['corpus folder', corpusDir],
    ['questions file', questionsFile],
  ]) {
    if (!existsSync(file)) {
      console.error(`error: the ${label} ${file} does not exist\n${usage}`);
      return 2;
    }
  }

  const questions = await readQuestions(questionsFile);
  const knex = await openDatabase(values.database);
  try {
    const report = await evaluate({
      knex,
      corpusDir,
      questions,
      settings: await readSettings((values.config ?? []).map(path)),
    });
    console.log(
      `Corpus ${corpusDir}: ${report.corpus.documents} documents, ${report.corpus.chunks} chunks, ingested in ${report.corpus.ingestSeconds.toFixed(1)} s; ${questions.length} questions; embeddings ${report.embeddings.provider}/${report.embeddings.model}\n`,
    );
    console.log(markdownTable(report));
    console.log(`\n${JSON.stringify(baselineOf(report), null, 2)}`);
    if (values.json) {
      await writeFile(path(values.json), JSON.stringify(report, null, 2));
    }
    if (values['write-baseline']) {
      await writeFile(
        path(values['write-baseline']),
        `${JSON.stringify(baselineOf(report), null, 2)}\n`,
      );
    }
    if (values.baseline) {
      const baseline: Baseline = JSON.parse(
        await readFile(path(values.baseline), 'utf8'),
      );
      const found = regressions(report, baseline, {
        overall: Number(values.tolerance),
        kind: Number(values['kind-tolerance']),
      });
      if (found.length > 0) {
        console.error(
          `\nRetrieval quality gate FAILED against ${values.baseline}:\n- ${found.join('\n- ')}`,
        );
        return 1;
      }
      console.log(`\nRetrieval quality gate passed against ${values.baseline}`);
    }
    return 0;
  } finally {
    await knex.destroy();
  }
}

main().then(
  code => process.exit(code),
  error => {
    console.error(error);
    process.exit(1);
  },
);
