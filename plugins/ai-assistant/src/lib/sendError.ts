import { ResponseError } from '@backstage/errors';
import type { MessageError } from '../hooks/chatReducer';
import { describeError } from './describeError';

/**
 * Words for the user about a question that could not be asked or whose answer broke off.
 * The server's words for these name configuration keys meant for administrators, and the
 * browser's ("Failed to fetch", "network error") say nothing useful, so the common cases get
 * their own; anything else is described as any failed request.
 */
export function describeSendError(
  error: unknown,
  context: {
    question: string;
    /** The server's limit, when it said. */
    maxLength?: number;
    /** Whether the answer had started streaming when the error came. */
    started: boolean;
  },
): MessageError {
  const { question, maxLength, started } = context;
  if (error instanceof ResponseError && error.statusCode === 413) {
    const limit = maxLength ? `; the limit is ${maxLength}` : '';
    return {
      code: 'request_failed',
      message: `Your question is ${question.length} characters long${limit}. Shorten it or split it into several questions.`,
    };
  }
  // fetch rejects with a TypeError when the request or its body cannot travel.
  if (error instanceof TypeError) {
    if (started) {
      return {
        code: 'incomplete',
        message:
          'The connection to the AI assistant was lost before the answer was complete.',
      };
    }
    return {
      code: 'request_failed',
      message:
        'Could not reach the AI assistant. Check your connection and try again.',
    };
  }
  // E.g. a full conversation (409) names `aiAssistant.conversations.maxMessages` in brackets.
  const described = describeError(error);
  return {
    ...described,
    message: described.message.replace(/\s*\(aiAssistant\.[\w.]+\)/g, ''),
  };
}
