/**
 * The AI Assistant for Backstage frontend plugin: a chat page that answers from your own
 * catalog, docs and repositories, with cited sources.
 *
 * @packageDocumentation
 */
export {
  aiAssistantPlugin,
  AiAssistantPage,
  EntityAiAssistantCard,
} from './plugin';
export { AiAssistantIcon } from './components/AiAssistantIcon';
export {
  aiAssistantApiRef,
  AiAssistantClient,
  AiAssistantRateLimitError,
  SseParser,
  toChatStreamEvent,
} from './api';
export type {
  AiAssistantApi,
  ChatStreamOptions,
  ListConversationsOptions,
  SseMessage,
} from './api';
