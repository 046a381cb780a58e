import type { ChatStreamEvent } from '@ai-assistant/backstage-plugin-ai-assistant-common';

/**
 * Receives the events of one answer: the HTTP event stream in production (the routes'
 * `SseWriter`), an array in tests and for agents.
 */
export interface ChatEventSink {
  send(event: ChatStreamEvent): void;
}
