import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { CustomErrorBase, InputError } from '@backstage/errors';
import type {
  ChatMessage,
  ConversationSummary,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { AiAssistantModel } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** A message longer than `aiAssistant.chat.maxMessageLength`; answered with HTTP 413. */
export class MessageTooLongError extends CustomErrorBase {
  readonly statusCode = 413;
  constructor(length: number, max: number) {
    super(
      `The message is ${length} characters long; the limit is ${max} (aiAssistant.chat.maxMessageLength). Shorten it or split it into several messages.`,
    );
    this.name = 'MessageTooLongError';
  }
}

/** A chat request that passed every check and may start streaming. */
export interface PreparedChat {
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  question: string;
  conversation?: ConversationSummary;
  history: ChatMessage[];
  models: AiAssistantModel[];
  /** The catalog entity the question is about (`kind:namespace/name`), if any. */
  entityRef?: string;
  /**
   * Records this chat's tool calls attributed to the caller; the routes bind it to the HTTP
   * request, so audit events name the user and client. The plugin's auditor when left out.
   */
  auditor?: AuditorService;
  /** `performance.now()` when the request arrived, for time to first token. */
  receivedAt?: number;
}

/**
 * The history without its last exchange, for answering that exchange's question again.
 * Refuses (400) when the conversation does not end with `question` and its answer, so a
 * regenerate can never drop an exchange the user did not mean.
 */
export function withoutLastExchange(
  history: ChatMessage[],
  question: string,
): ChatMessage[] {
  const [asked, answered] = history.slice(-2);
  if (
    asked?.role !== 'user' ||
    answered?.role !== 'assistant' ||
    asked.content !== question
  ) {
    throw new InputError(
      'regenerate answers the last question of the conversation again: message must be that question',
    );
  }
  return history.slice(0, -2);
}
