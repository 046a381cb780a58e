export { aiAssistantApiRef } from './AiAssistantApi';
export type {
  AiAssistantApi,
  ChatStreamOptions,
  ListConversationsOptions,
} from './AiAssistantApi';
export { AiAssistantClient } from './AiAssistantClient';
export { AiAssistantRateLimitError } from './errors';
export { SseParser, toChatStreamEvent } from './sse';
export type { SseMessage } from './sse';
