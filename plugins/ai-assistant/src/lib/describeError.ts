import { ResponseError } from '@backstage/errors';
import { AiAssistantRateLimitError } from '../api/errors';
import type { MessageError } from '../hooks/chatReducer';

/**
 * Words for the user about a failed request. The server's own message says what was wrong
 * (e.g. a message over the size limit), so it is preferred over the generic HTTP text.
 */
export function describeError(error: unknown): MessageError {
  if (error instanceof AiAssistantRateLimitError) {
    return { code: 'rate_limited', message: error.message };
  }
  if (error instanceof ResponseError) {
    const serverMessage = error.body?.error?.message;
    return {
      code: 'request_failed',
      message: serverMessage
        ? `${serverMessage} (HTTP ${error.statusCode})`
        : error.message,
    };
  }
  return {
    code: 'request_failed',
    message: error instanceof Error ? error.message : String(error),
  };
}
