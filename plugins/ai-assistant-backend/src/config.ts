import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { IngestionTuning, readIngestionTuning } from './ingestion/tuningConfig';

/**
 * Settings of the AI assistant backend, read once from `aiAssistant.*` with their defaults.
 */
export interface AiAssistantSettings {
  /** The start of every system prompt. */
  identity: string;
  chunking: { chunkSize: number; chunkOverlap: number };
  retrieval: {
    amount: number;
    vectorWeight: number;
    textWeight: number;
    /** Postgres text-search configuration (language) of the keyword index. */
    textSearchConfig: string;
  };
  pglite: { dataDir?: string };
  /** `storage.readReplica.connection`: a knex `pg` connection for retrieval searches. */
  readReplica?: string | Record<string, unknown>;
  chat: ChatSettings;
  /**
   * `actions.tools`: ids of Actions Registry actions offered to the model as tools; those not
   * declared read-only run only after the user approves. Default: none.
   */
  actionTools: string[];
  /** `conversations.retention`: conversations inactive this long are purged; unset keeps them. */
  conversationRetentionMs?: number;
  ingestion: {
    schedule: SchedulerServiceTaskScheduleDefinition;
    batchSize: number;
  } & IngestionTuning;
}

/**
 * Settings of `POST /chat`, under `aiAssistant.chat` and `aiAssistant.tools`, and the
 * conversation size cap `aiAssistant.conversations.maxMessages`.
 */
export interface ChatSettings {
  /** Longest accepted user message, in characters. */
  maxMessageLength: number;
  /** `conversations.maxMessages`: most messages one conversation may hold. */
  maxConversationMessages: number;
  /** Approximate tokens of earlier messages sent with a question (~4 characters a token). */
  historyTokenBudget: number;
  /** `chat.dailyTokenBudget`: tokens per user per UTC day; no budget when unset. */
  dailyTokenBudget?: number;
  /** Seconds a model may take to start answering before the next model is asked. */
  firstTokenTimeoutSeconds: number;
  /** Consecutive failures after which a model is skipped for `cooldownSeconds`. */
  circuitBreaker: { failureThreshold: number; cooldownSeconds: number };
  /**
   * Per user, across the replicas sharing Backstage's cache: at most `requests` chat requests
   * per `windowMs`; tool calls after the first of an answer count as requests too.
   */
  rateLimit: { requests: number; windowMs: number };
  tools: {
    /** Whether tools that change state may be offered to the model. */
    allowMutating: boolean;
    /** Names of mutating tools offered even when `allowMutating` is false. */
    enabledMutatingTools: string[];
    /** Most rounds of tool calls per answer. */
    maxSteps: number;
    /** Most tool calls run per round; the model is told about the others. */
    maxCallsPerRound: number;
    /** Most tool calls run per answer. */
    maxCallsPerAnswer: number;
  };
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { days: 1 },
  timeout: { hours: 2 },
  initialDelay: { seconds: 15 },
};

const DEFAULT_IDENTITY =
  'You are the AI assistant of this developer portal. Answer questions about its software, documentation and teams using the provided context.';

function positiveInt(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `Invalid config aiAssistant.${key}: expected a positive integer, got ${value}`,
    );
  }
  return value;
}

// One exchange is two messages, so a smaller cap would refuse every question.
function maxConversationMessages(config: Config): number {
  const value = positiveInt(config, 'conversations.maxMessages', 200);
  if (value < 2) {
    throw new Error(
      `Invalid config aiAssistant.conversations.maxMessages: expected at least 2 (one question and its answer), got ${value}`,
    );
  }
  return value;
}

function readReplicaConnection(
  config: Config,
): string | Record<string, unknown> | undefined {
  const key = 'storage.readReplica.connection';
  const value = config.getOptional(key);
  if (value === undefined) return undefined;
  if (
    (typeof value === 'string' && value !== '') ||
    (typeof value === 'object' && value !== null && !Array.isArray(value))
  ) {
    return value as string | Record<string, unknown>;
  }
  throw new Error(
    `Invalid config aiAssistant.${key}: expected a PostgreSQL connection string or an object of connection settings (host, port, user, password, database)`,
  );
}

function durationMs(config: Config, key: string): number | undefined {
  if (!config.has(key)) return undefined;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0)) {
    throw new Error(
      `Invalid config aiAssistant.${key}: expected a positive duration, e.g. { days: 90 } or 'P90D'`,
    );
  }
  return ms;
}

function textSearchConfig(config: Config): string {
  const key = 'storage.pgVector.hybrid.textSearchConfig';
  const value = config.getOptionalString(key) ?? 'english';
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(value)) {
    throw new Error(
      `Invalid config aiAssistant.${key}: expected the name of a PostgreSQL text search configuration such as english, german or simple, got ${value}`,
    );
  }
  return value;
}

// Registry action ids are `<pluginId>:<name>`; anything else would silently match nothing.
function actionIds(config: Config, key: string): string[] {
  const ids = config.getOptionalStringArray(key) ?? [];
  const invalid = ids.find(id => !/^[^:\s]+:\S+$/.test(id));
  if (invalid !== undefined) {
    throw new Error(
      `Invalid config aiAssistant.${key}: expected Actions Registry action ids such as catalog:register-entity, got '${invalid}'`,
    );
  }
  return ids;
}

/** Reads `aiAssistant.*`, applying the documented defaults (see config.d.ts). */
export function readAiAssistantConfig(root: Config): AiAssistantSettings {
  const config = root.getOptionalConfig('aiAssistant') ?? new ConfigReader({});
  const chunkSize = positiveInt(config, 'storage.pgVector.chunkSize', 500);
  const chunkOverlap =
    config.getOptionalNumber('storage.pgVector.chunkOverlap') ??
    Math.floor(chunkSize / 10);
  if (
    !Number.isInteger(chunkOverlap) ||
    chunkOverlap < 0 ||
    chunkOverlap >= chunkSize
  ) {
    throw new Error(
      `Invalid config aiAssistant.storage.pgVector.chunkOverlap: expected an integer from 0 to below chunkSize (${chunkSize}), got ${chunkOverlap}`,
    );
  }
  const weight = (key: string, fallback: number) => {
    const value =
      config.getOptionalNumber(`storage.pgVector.hybrid.${key}`) ?? fallback;
    if (!(value >= 0)) {
      throw new Error(
        `Invalid config aiAssistant.storage.pgVector.hybrid.${key}: expected a number >= 0, got ${value}`,
      );
    }
    return value;
  };
  const scheduleConfig = config.getOptionalConfig('ingestion.schedule');
  return {
    identity: config.getOptionalString('prompt.identity') ?? DEFAULT_IDENTITY,
    chunking: { chunkSize, chunkOverlap },
    retrieval: {
      amount: positiveInt(config, 'storage.pgVector.amount', 10),
      // Measured on the open golden set (docs/retrieval-quality.md): with the keyword leg
      // ranking by term rarity, a vector leg weighed half as much fused best.
      vectorWeight: weight('vectorWeight', 0.5),
      textWeight: weight('textWeight', 1),
      textSearchConfig: textSearchConfig(config),
    },
    pglite: { dataDir: config.getOptionalString('storage.pglite.dataDir') },
    readReplica: readReplicaConnection(config),
    chat: {
      maxMessageLength: positiveInt(config, 'chat.maxMessageLength', 8000),
      maxConversationMessages: maxConversationMessages(config),
      historyTokenBudget: positiveInt(config, 'chat.historyTokenBudget', 4000),
      dailyTokenBudget: config.has('chat.dailyTokenBudget')
        ? positiveInt(config, 'chat.dailyTokenBudget', 0)
        : undefined,
      firstTokenTimeoutSeconds: positiveInt(
        config,
        'chat.firstTokenTimeoutSeconds',
        60,
      ),
      circuitBreaker: {
        failureThreshold: positiveInt(
          config,
          'chat.circuitBreaker.failureThreshold',
          3,
        ),
        cooldownSeconds: positiveInt(
          config,
          'chat.circuitBreaker.cooldownSeconds',
          60,
        ),
      },
      rateLimit: {
        requests: positiveInt(config, 'chat.rateLimit.requests', 60),
        windowMs: durationMs(config, 'chat.rateLimit.window') ?? 60_000,
      },
      tools: {
        allowMutating:
          config.getOptionalBoolean('tools.allowMutating') ?? false,
        enabledMutatingTools:
          config.getOptionalStringArray('tools.enabledMutatingTools') ?? [],
        maxSteps: positiveInt(config, 'tools.maxSteps', 4),
        maxCallsPerRound: positiveInt(config, 'tools.maxCallsPerRound', 5),
        maxCallsPerAnswer: positiveInt(config, 'tools.maxCallsPerAnswer', 10),
      },
    },
    actionTools: actionIds(config, 'actions.tools'),
    conversationRetentionMs: durationMs(config, 'conversations.retention'),
    ingestion: {
      schedule: scheduleConfig
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
        : DEFAULT_SCHEDULE,
      batchSize: positiveInt(config, 'ingestion.batchSize', 100),
      ...readIngestionTuning(config),
    },
  };
}
