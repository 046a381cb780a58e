import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Ingestor } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  IngestionRun,
  IngestionRunStore,
} from '../database/IngestionRunStore';
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
      /**
       * The run log, where runs of one ingestor asked for by admins (run now, re-index) wait
       * for the task; without it, only whole runs can be triggered.
       */
      runs?: IngestionRunStore;
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

  /**
   * Asks for a run of one ingestor, re-embedding everything if `reembed`. The request waits
   * in the database for the global task, so whichever backend takes it runs it, never two at
   * once; if the task is running now, it takes the request when it is done.
   */
  async request(ingestorId: string, options: { reembed: boolean }) {
    const { runs, scheduler } = this.options;
    if (!this.ingestorIds.includes(ingestorId)) {
      throw new NotFoundError(`No ingestor with id ${ingestorId} is installed`);
    }
    if (!runs) {
      throw new Error('Runs of one ingestor need the run store');
    }
    await runs.request(ingestorId, options);
    await scheduler.triggerTask(INGESTION_TASK_ID).catch(error => {
      if (!(
        error instanceof ConflictError || error?.name === 'ConflictError'
      )) {
        throw error;
      }
    });
  }

  /**
   * Runs every ingestor one after the other; one failing does not stop the others. A tick
   * that finds requests waiting was triggered by them: it runs only the requested ingestors
   * (the next tick runs them all). Requests that arrive meanwhile run before it ends.
   */
  async runAll(signal: AbortSignal): Promise<IngestionRun[]> {
    const { ingestors, pipeline, runs } = this.options;
    const results: IngestionRun[] = [];
    let requests = (await runs?.takeRequests()) ?? [];
    if (requests.length === 0) {
      for (const ingestor of ingestors) {
        if (signal.aborted) break;
        results.push(await pipeline.run(ingestor, signal));
      }
      requests = (await runs?.takeRequests()) ?? [];
    }
    while (requests.length > 0) {
      if (signal.aborted) {
        // Taken but not started (the task timed out or the backend is stopping): back in
        // the queue for the next tick rather than lost.
        for (const left of requests) {
          await runs?.request(left.ingestor, { reembed: left.reembed });
        }
        break;
      }
      const [request, ...rest] = requests;
      const ingestor = ingestors.find(i => i.id === request.ingestor);
      if (ingestor) {
        results.push(
          await pipeline.run(ingestor, signal, { reembed: request.reembed }),
        );
      }
      requests = rest.length > 0 ? rest : ((await runs?.takeRequests()) ?? []);
    }
    return results;
  }
}
