import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';

/** One tool call in progress; report how it ended. */
export interface ToolInvocation {
  succeeded(): Promise<void>;
  failed(error: Error): Promise<void>;
}

/** Told about every tool call of one answer, before it runs. */
export type ToolInvocationObserver = (call: {
  name: string;
}) => Promise<ToolInvocation>;

/**
 * Records tool calls of one chat answer: a structured log line per call and an auditor
 * `tool-invocation` event (initiated, then succeeded or failed) attributed to the user who
 * asked. Tool input is left out of both: it is written by the model from user text.
 */
export function observeToolInvocations(options: {
  logger: LoggerService;
  auditor?: AuditorService;
  userRef: string;
  conversationId: string;
  modelId: string;
}): ToolInvocationObserver {
  const { logger, auditor, userRef, conversationId, modelId } = options;
  return async ({ name }) => {
    const meta = { tool: name, conversationId, modelId };
    const start = performance.now();
    logger.info('AI assistant tool call started', { ...meta, user: userRef });
    const event = await auditor?.createEvent({
      eventId: 'tool-invocation',
      meta,
    });
    const durationMs = () => Math.round(performance.now() - start);
    return {
      async succeeded() {
        logger.info('AI assistant tool call succeeded', {
          ...meta,
          user: userRef,
          durationMs: durationMs(),
        });
        await event?.success();
      },
      async failed(error) {
        logger.warn('AI assistant tool call failed', {
          ...meta,
          user: userRef,
          durationMs: durationMs(),
          error: error.message,
        });
        await event?.fail({ error });
      },
    };
  };
}
