import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';

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
  ingestion: {
    schedule: SchedulerServiceTaskScheduleDefinition;
    batchSize: number;
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
    ingestion: {
      schedule: scheduleConfig
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
        : DEFAULT_SCHEDULE,
      batchSize: positiveInt(config, 'ingestion.batchSize', 100),
    },
  };
}
