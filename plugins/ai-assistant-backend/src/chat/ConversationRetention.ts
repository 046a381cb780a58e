import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ConversationStore } from '../database/ConversationStore';

/** Id of the scheduled task that purges old conversations. */
export const CONVERSATION_PURGE_TASK_ID = 'ai-assistant-conversation-purge';

/**
 * Deletes conversations that have been inactive longer than `aiAssistant.conversations.retention`,
 * every hour through Backstage's scheduler. The task is global, so with several replicas on
 * one database each purge runs once.
 */
export class ConversationRetention {
  constructor(
    private readonly options: {
      store: ConversationStore;
      scheduler: SchedulerService;
      logger: LoggerService;
      /** Unset: conversations are kept until their users delete them. */
      retentionMs?: number;
      now?: () => number;
    },
  ) {}

  /** Schedules the purge when a retention is configured. */
  async start(): Promise<void> {
    const { scheduler, retentionMs } = this.options;
    if (retentionMs === undefined) return;
    await scheduler.scheduleTask({
      id: CONVERSATION_PURGE_TASK_ID,
      scope: 'global',
      frequency: { hours: 1 },
      timeout: { minutes: 15 },
      initialDelay: { minutes: 1 },
      fn: async () => {
        await this.purge();
      },
    });
  }

  /** Deletes what is past the retention now; returns how many conversations went. */
  async purge(): Promise<number> {
    const { store, logger, retentionMs } = this.options;
    if (retentionMs === undefined) return 0;
    const now = (this.options.now ?? Date.now)();
    const deleted = await store.purgeInactiveSince(new Date(now - retentionMs));
    if (deleted > 0) {
      logger.info(
        `Purged ${deleted} AI assistant conversations inactive for longer than the retention (aiAssistant.conversations.retention)`,
      );
    }
    return deleted;
  }
}
