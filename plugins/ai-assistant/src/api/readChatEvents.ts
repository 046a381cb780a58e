import type { ChatStreamEvent } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { SseParser, toChatStreamEvent } from './sse';

/**
 * Yields the chat events of a streamed answer's response body (`POST /chat`, or the
 * continuation after an approval decision) as each one arrives.
 *
 * `EventSource` cannot POST a body, so the stream is read from fetch's body directly. Stopping
 * early, an error, or `signal` aborting lets go of the connection, which makes the server stop
 * and store a partial answer.
 */
export async function* readChatEvents(
  response: Response,
  signal?: AbortSignal,
): AsyncGenerator<ChatStreamEvent> {
  if (!response.body) {
    throw new Error('The AI assistant answered without an event stream');
  }
  const reader = response.body.getReader();
  // Not every fetch implementation errors an already flowing body on abort; cancelling the
  // reader ends the pending read, and the check after each read turns it into the abort.
  const onAbort = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort);
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let finished = false;
  try {
    while (!finished) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      finished = done;
      const messages = done
        ? [...parser.push(decoder.decode()), ...parser.end()]
        : parser.push(decoder.decode(value, { stream: true }));
      for (const message of messages) {
        const event = toChatStreamEvent(message);
        if (event) {
          yield event;
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      // The consumer stopped early (or an error was thrown): let go of the connection.
      await reader.cancel().catch(() => {});
    }
  }
}
