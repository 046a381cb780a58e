import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Ingestor } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { IngestionRun } from '../database/IngestionRunStore';
import type { IngestionPipeline } from './IngestionPipeline';

/** Id of the scheduled task that runs every ingestor. */
export const INGESTION_TASK_ID = 'ai-assistant-ingestion';

/**
 * Schedules ingestion with Backstage's scheduler. The task is global: when several backends
 * share a database, each tick runs on one of them only.
 */
export class IngestionService {
  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      pipeline: IngestionPipeline;
      ingestors: Ingestor[];
      schedule: SchedulerServiceTaskScheduleDefinition;
      logger: LoggerService;
    },
  ) {}

  /** Ids of the registered ingestors. */
  get ingestorIds(): string[] {
    return this.options.ingestors.map(ingestor => ingestor.id);
  }

  /** Registers the scheduled task. */
  async start(): Promise<void> {
    const { scheduler, schedule, ingestors, logger } = this.options;
    if (ingestors.length === 0) {
      logger.warn(
        'No AI assistant ingestors are installed, so the assistant knows nothing yet; add an ingestor module such as the catalog ingestor',
      );
    }
    await scheduler.scheduleTask({
      id: INGESTION_TASK_ID,
      scope: 'global',
      ...schedule,
      fn: async signal => {
        await this.runAll(signal);
      },
    });
  }

  /** Asks the scheduler to run the task now, on whichever backend picks it up. */
  async trigger(): Promise<void> {
    await this.options.scheduler.triggerTask(INGESTION_TASK_ID);
  }

  /** Runs every ingestor one after the other; one failing does not stop the others. */
  async runAll(signal: AbortSignal): Promise<IngestionRun[]> {
    const results: IngestionRun[] = [];
    for (const ingestor of this.options.ingestors) {
      if (signal.aborted) break;
      results.push(await this.options.pipeline.run(ingestor, signal));
    }
    return results;
  }
}
