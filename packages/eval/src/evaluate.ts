import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { LocalEmbeddings } from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-embeddings-provider-local';
import {
  createKnowledgeIngestion,
  KnowledgeSettings,
  readKnowledgeSettings,
  SearchMode,
} from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';
import type { EmbeddingsProvider } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { Knex } from 'knex';
import { FolderIngestor } from './FolderIngestor';
import {
  EvalQuestion,
  QuestionResult,
  RetrievalMetrics,
  scoreQuestion,
  summarizeByKind,
} from './metrics';

/** The legs evaluated, in the order they are reported. */
export const MODES: SearchMode[] = ['hybrid', 'vector', 'keyword'];

/** Chunks retrieved per question, as the golden set scores them. */
const TOP_CHUNKS = 10;

/** What an evaluation found, per search mode. */
export interface EvalReport {
  corpus: { documents: number; chunks: number; ingestSeconds: number };
  embeddings: { provider: string; model: string; dimensions: number };
  settings: {
    chunkSize: number;
    chunkOverlap: number;
    vectorWeight: number;
    textWeight: number;
  };
  modes: Record<
    string,
    {
      overall: RetrievalMetrics;
      byKind: Record<string, RetrievalMetrics>;
      questions: QuestionResult[];
    }
  >;
}

const quietLogger: LoggerService = {
  error: (message, meta) => console.error(message, meta ?? ''),
  warn: (message, meta) => console.error(message, meta ?? ''),
  info() {},
  debug() {},
  child() {
    return quietLogger;
  },
};

/** The offline `local` provider, as its module registers it. */
export function localEmbeddingsProvider(): EmbeddingsProvider {
  return {
    id: 'local',
    model: LocalEmbeddings.model,
    dimensions: LocalEmbeddings.dimensions,
    embeddings: new LocalEmbeddings(),
  };
}

/**
 * Ingests a folder through the plugin's real pipeline (chunking, embeddings, knowledge store)
 * into a migrated, empty database, then asks every question in each search mode and scores
 * the top chunks.
 */
export async function evaluate(options: {
  knex: Knex;
  corpusDir: string;
  questions: EvalQuestion[];
  /** `aiAssistant.*` settings; the defaults of an empty config when left out. */
  settings?: KnowledgeSettings;
  provider?: EmbeddingsProvider;
}): Promise<EvalReport> {
  const settings =
    options.settings ?? readKnowledgeSettings(new ConfigReader({}));
  const provider = options.provider ?? localEmbeddingsProvider();
  const { pipeline, store, embeddings } = createKnowledgeIngestion({
    knex: options.knex,
    provider,
    settings,
    logger: quietLogger,
  });

  const started = performance.now();
  const run = await pipeline.run(
    new FolderIngestor(options.corpusDir),
    new AbortController().signal,
  );
  if (run.state !== 'succeeded') {
    throw new Error(`Ingestion of ${options.corpusDir} failed: ${run.error}`);
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  const model = await embeddings.getModel();
  const counts = (await store.countBySource()).get('eval') ?? {
    documents: 0,
    chunks: 0,
  };

  const vectors = new Map<string, number[]>();
  for (const question of options.questions) {
    vectors.set(question.id, await embeddings.embedQuery(question.question));
  }
  const modes: EvalReport['modes'] = {};
  for (const mode of MODES) {
    const results: QuestionResult[] = [];
    for (const question of options.questions) {
      const chunks = await store.search({
        text: question.question,
        vector: vectors.get(question.id)!,
        limit: TOP_CHUNKS,
        mode,
      });
      results.push(
        scoreQuestion(
          question,
          chunks.map(chunk => chunk.documentId),
        ),
      );
    }
    modes[mode] = { ...summarizeByKind(results), questions: results };
  }
  return {
    corpus: { ...counts, ingestSeconds },
    embeddings: {
      provider: provider.id,
      model: provider.model,
      dimensions: model.dimensions,
    },
    settings: {
      ...settings.chunking,
      vectorWeight: settings.retrieval.vectorWeight,
      textWeight: settings.retrieval.textWeight,
    },
    modes,
  };
}
