import type {
  ChatErrorCode,
  ChatErrorEventData,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { ProviderError } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { FailedBeforeFirstTokenError } from './answerState';

/**
 * What users are told when an answer fails. Never the cause itself: provider errors name
 * internal endpoints and quote upstream answers, and the message stays in the user's history.
 * The cause is logged under the id the message ends with.
 */
export const FAILURE_MESSAGES = {
  unavailable:
    'The model service is unavailable right now; try again in a minute.',
  stopped: 'The model service stopped while answering; try again.',
  refused:
    "The model refused this message, for example because the provider's content filter flagged it or it is too long; rephrase or shorten it and try again.",
  serverError:
    'The assistant could not finish this answer because of a server error; try again.',
} as const;

/**
 * The `error` event for a failure whose cause was logged under `errorId`: the user-facing
 * message, ending with the id to give an administrator, who finds it in the backend logs.
 */
export function chatFailure(
  code: ChatErrorCode,
  message: string,
  errorId: string,
): ChatErrorEventData {
  return {
    code,
    errorId,
    message: `${message} If it persists, give your administrator this id: ${errorId}.`,
  };
}

// Statuses by which a provider refuses the request itself (its content or size): unlike an
// outage or a misconfiguration (401, 404), the user can do something about these.
const REQUEST_REFUSALS = new Set([400, 413, 422]);

/** Whether a model failed because the provider refused this request, e.g. its content filter. */
export function refusedRequest(error: unknown): boolean {
  const cause =
    error instanceof FailedBeforeFirstTokenError ? error.cause : error;
  return (
    cause instanceof ProviderError &&
    cause.status !== undefined &&
    REQUEST_REFUSALS.has(cause.status)
  );
}
