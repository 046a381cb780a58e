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
  };
  pglite: { dataDir?: string };
  /** `storage.readReplica.connection`: a knex `pg` connection for retrieval searches. */
  readReplica?: string | Record<string, unknown>;
  chat: ChatSettings;
  /** `conversations.retention`: conversations inactive this long are purged; unset keeps them. */
  conversationRetentionMs?: number;
  ingestion: {
    schedule: SchedulerServiceTaskScheduleDefinition;
    batchSize: number;
  };
}

/** Settings of `POST /chat`, under `aiAssistant.chat` and `aiAssistant.tools`. */
export interface ChatSettings {
  /** Longest accepted user message, in characters. */
  maxMessageLength: number;
  /** Approximate tokens of earlier messages sent with a question (~4 characters a token). */
  historyTokenBudget: number;
  /** Seconds a model may take to start answering before the next model is asked. */
  firstTokenTimeoutSeconds: number;
  /** Consecutive failures after which a model is skipped for `cooldownSeconds`. */
  circuitBreaker: { failureThreshold: number; cooldownSeconds: number };
  /** Per user and backend instance: at most `requests` chat requests per `windowMs`. */
  rateLimit: { requests: number; windowMs: number };
  tools: {
    /** Whether tools that change state may be offered to the model. */
    allowMutating: boolean;
    /** Names of mutating tools offered even when `allowMutating` is false. */
    enabledMutatingTools: string[];
    /** Most rounds of tool calls per answer. */
    maxSteps: number;
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
  const weight = (key: string) => {
    const value =
      config.getOptionalNumber(`storage.pgVector.hybrid.${key}`) ?? 1;
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
      vectorWeight: weight('vectorWeight'),
      textWeight: weight('textWeight'),
    },
    pglite: { dataDir: config.getOptionalString('storage.pglite.dataDir') },
    readReplica: readReplicaConnection(config),
    chat: {
      maxMessageLength: positiveInt(config, 'chat.maxMessageLength', 8000),
      historyTokenBudget: positiveInt(config, 'chat.historyTokenBudget', 4000),
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
      },
    },
    conversationRetentionMs: durationMs(config, 'conversations.retention'),
    ingestion: {
      schedule: scheduleConfig
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
        : DEFAULT_SCHEDULE,
      batchSize: positiveInt(config, 'ingestion.batchSize', 100),
    },
  };
}
