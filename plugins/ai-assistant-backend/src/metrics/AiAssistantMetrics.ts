import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';

// Seconds, from a fast cache hit to a slow model answer; the 5 s alert threshold is a bucket edge.
const SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];
// The bucket boundaries the OpenTelemetry GenAI semantic conventions advise for token counts.
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
  16777216, 67108864,
];
// Ingestion runs take minutes to hours.
const RUN_SECONDS_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200];

/** What failed at a provider: a chat model or the embeddings provider. */
export type ProviderKind = 'model' | 'embeddings';

/** Counts of one finished ingestion run, as recorded in `ingestion_runs`. */
export interface IngestionRunMetrics {
  ingestor: string;
  state: 'succeeded' | 'failed';
  durationSeconds: number;
  documents: number;
  chunksEmbedded: number;
  chunksSkipped: number;
  chunksPruned: number;
  /** Documents skipped as invalid, plus one when the run failed. */
  errors: number;
}

/**
 * Every metric of the AI assistant, in one place so names, units and attributes stay
 * consistent. Instruments come from Backstage's metrics service, which scopes them to the
 * plugin and hands them to whatever OpenTelemetry SDK the backend started (e.g. the
 * Prometheus exporter); without one, recording costs nothing. Names are listed in
 * docs/observability.md.
 */
export class AiAssistantMetrics {
  private readonly requests: MetricsServiceCounter;
  private readonly requestDuration: MetricsServiceHistogram;
  private readonly firstToken: MetricsServiceHistogram;
  private readonly tokens: MetricsServiceCounter;
  private readonly embeddingDuration: MetricsServiceHistogram;
  private readonly searchDuration: MetricsServiceHistogram;
  private readonly ingestionDocuments: MetricsServiceCounter;
  private readonly ingestionChunks: MetricsServiceCounter;
  private readonly ingestionErrors: MetricsServiceCounter;
  private readonly ingestionDuration: MetricsServiceHistogram;
  private readonly conversations: MetricsServiceCounter;
  private readonly providerErrors: MetricsServiceCounter;
  private readonly queryDuration: MetricsServiceHistogram;
  private readonly genAiTokens: MetricsServiceHistogram;
  private readonly budgetRefusals: MetricsServiceCounter;

  constructor(metrics: MetricsService) {
    const seconds = (description: string, buckets = SECONDS_BUCKETS) => ({
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: buckets },
    });
    this.requests = metrics.createCounter('ai_assistant.http.requests', {
      description:
        'HTTP requests to /api/ai-assistant, by route, method and status code',
    });
    this.requestDuration = metrics.createHistogram(
      'ai_assistant.http.request.duration_seconds',
      seconds(
        'Time from request to the end of the response (for /chat: the whole streamed answer), by route, method and status code',
      ),
    );
    this.firstToken = metrics.createHistogram(
      'ai_assistant.chat.time_to_first_token_seconds',
      seconds('Time from a chat request to the first streamed token, by model'),
    );
    this.tokens = metrics.createCounter('ai_assistant.chat.tokens', {
      description:
        'Tokens sent to (type=input) and produced by (type=output) chat models, by model',
    });
    this.embeddingDuration = metrics.createHistogram(
      'ai_assistant.embeddings.duration_seconds',
      seconds(
        'Time of one embeddings provider call, by provider and operation (documents, query)',
      ),
    );
    this.searchDuration = metrics.createHistogram(
      'ai_assistant.search.duration_seconds',
      seconds('Time of one hybrid search in the knowledge store'),
    );
    this.ingestionDocuments = metrics.createCounter(
      'ai_assistant.ingestion.documents',
      { description: 'Documents an ingestor yielded, by ingestor' },
    );
    this.ingestionChunks = metrics.createCounter(
      'ai_assistant.ingestion.chunks',
      {
        description:
          'Chunks handled by ingestion, by ingestor and outcome (embedded, skipped, pruned)',
      },
    );
    this.ingestionErrors = metrics.createCounter(
      'ai_assistant.ingestion.errors',
      {
        description:
          'Failed ingestion runs and documents skipped as invalid, by ingestor',
      },
    );
    this.ingestionDuration = metrics.createHistogram(
      'ai_assistant.ingestion.duration_seconds',
      seconds(
        'Duration of one ingestion run, by ingestor and state',
        RUN_SECONDS_BUCKETS,
      ),
    );
    this.conversations = metrics.createCounter(
      'ai_assistant.conversations.created',
      { description: 'Conversations started' },
    );
    this.providerErrors = metrics.createCounter(
      'ai_assistant.provider.errors',
      {
        description:
          'Failed calls to model and embeddings providers, by kind and provider',
      },
    );
    this.queryDuration = metrics.createHistogram(
      'ai_assistant.db.query.duration_seconds',
      seconds('Time of one knowledge store database query, by outcome'),
    );
    // Named and labelled as the OpenTelemetry GenAI semantic conventions say, so GenAI
    // dashboards work unchanged.
    this.genAiTokens = metrics.createHistogram('gen_ai.client.token.usage', {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.budgetRefusals = metrics.createCounter(
      'ai_assistant.chat.budget_refusals',
      {
        description:
          'Chat requests refused because the user used up aiAssistant.chat.dailyTokenBudget',
      },
    );
  }

  /** A finished HTTP request; `route` is the matched pattern, e.g. `/conversations/:id`. */
  request(route: string, method: string, status: number, seconds: number) {
    const attributes = { route, method, status: String(status) };
    this.requests.add(1, attributes);
    this.requestDuration.record(seconds, attributes);
  }

  /** A model produced its first token this long after the chat request arrived. */
  timeToFirstToken(model: string, seconds: number) {
    this.firstToken.record(seconds, { model });
  }

  /** Token usage a model reported for one answer. */
  tokenUsage(model: string, input: number, output: number) {
    if (input > 0) this.tokens.add(input, { model, type: 'input' });
    if (output > 0) this.tokens.add(output, { model, type: 'output' });
  }

  /**
   * `gen_ai.client.token.usage` of one answer: the tokens the provider reported (a side it did
   * not report is left out). `modelId` is `<provider>/<model>`, as model providers name them.
   */
  genAiTokenUsage(modelId: string, input: number, output: number) {
    const slash = modelId.indexOf('/');
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': slash > 0 ? modelId.slice(0, slash) : '_OTHER',
      'gen_ai.request.model': slash > 0 ? modelId.slice(slash + 1) : modelId,
    };
    if (input > 0) {
      this.genAiTokens.record(input, {
        ...attributes,
        'gen_ai.token.type': 'input',
      });
    }
    if (output > 0) {
      this.genAiTokens.record(output, {
        ...attributes,
        'gen_ai.token.type': 'output',
      });
    }
  }

  /** A chat request refused by the daily token budget. */
  budgetRefused() {
    this.budgetRefusals.add(1);
  }

  /** One embeddings provider call. */
  embedding(
    provider: string,
    operation: 'documents' | 'query',
    seconds: number,
  ) {
    this.embeddingDuration.record(seconds, { provider, operation });
  }

  /** One hybrid search. */
  search(seconds: number) {
    this.searchDuration.record(seconds);
  }

  /** A finished ingestion run of one ingestor. */
  ingestionRun(run: IngestionRunMetrics) {
    const ingestor = { ingestor: run.ingestor };
    this.ingestionDocuments.add(run.documents, ingestor);
    this.ingestionChunks.add(run.chunksEmbedded, {
      ...ingestor,
      outcome: 'embedded',
    });
    this.ingestionChunks.add(run.chunksSkipped, {
      ...ingestor,
      outcome: 'skipped',
    });
    this.ingestionChunks.add(run.chunksPruned, {
      ...ingestor,
      outcome: 'pruned',
    });
    this.ingestionErrors.add(run.errors, ingestor);
    this.ingestionDuration.record(run.durationSeconds, {
      ...ingestor,
      state: run.state,
    });
  }

  /** A new conversation was stored. */
  conversationCreated() {
    this.conversations.add(1);
  }

  /** A call to a provider failed; `provider` is a provider or model id, never a URL. */
  providerError(kind: ProviderKind, provider: string) {
    this.providerErrors.add(1, { kind, provider });
  }

  /** One knowledge store query. */
  databaseQuery(seconds: number, outcome: 'ok' | 'error') {
    this.queryDuration.record(seconds, { outcome });
  }
}

/** Seconds elapsed since a `performance.now()` reading. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

const noop = () => {};
const noopInstrument = { add: noop, record: noop };

/**
 * Metrics that record nothing, for code built without the plugin's services (e.g. in tests
 * that construct one class alone).
 */
export const noopMetrics = new AiAssistantMetrics({
  createCounter: () => noopInstrument,
  createHistogram: () => noopInstrument,
} as unknown as MetricsService);
