import type { ChatStreamEvent } from '@ai-assistant/backstage-plugin-ai-assistant-common';

/**
 * One Server-Sent Event as it came over the wire.
 *
 * @public
 */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental Server-Sent Events parser, following the WHATWG event stream rules: lines
 * end in CRLF, LF or CR, a blank line dispatches, `data` lines join with a newline, comments
 * start with a colon, and an event the stream ends in the middle of is dropped.
 *
 * Network chunks split anywhere (mid line, mid field, between CR and LF), so text is buffered
 * until a line is complete. Decode bytes with a streaming `TextDecoder` before pushing, so a
 * multi-byte character split across chunks stays whole.
 *
 * @public
 */
export class SseParser {
  private buffer = '';
  private eventName = '';
  private dataLines: string[] = [];
  private lastId: string | undefined;

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): SseMessage[] {
    let pending = this.buffer + text;
    // A trailing CR may be the first half of a CRLF whose LF is in the next chunk.
    const heldBack = pending.endsWith('\r') ? '\r' : '';
    if (heldBack) {
      pending = pending.slice(0, -1);
    }
    const lines = pending.split(/\r\n|\r|\n/);
    this.buffer = lines.pop()! + heldBack;
    const messages: SseMessage[] = [];
    for (const line of lines) {
      const message = this.processLine(line);
      if (message) {
        messages.push(message);
      }
    }
    return messages;
  }

  /**
   * Signals the end of the stream. Only a CR held back in case an LF followed still ends a
   * line (which may be the blank line that dispatches); anything unterminated is dropped.
   */
  end(): SseMessage[] {
    const rest = this.buffer;
    this.buffer = '';
    const message = rest.endsWith('\r')
      ? this.processLine(rest.slice(0, -1))
      : undefined;
    this.eventName = '';
    this.dataLines = [];
    return message ? [message] : [];
  }

  private processLine(line: string): SseMessage | undefined {
    if (line === '') {
      return this.dispatch();
    }
    if (line.startsWith(':')) {
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'event') {
      this.eventName = value;
    } else if (field === 'data') {
      this.dataLines.push(value);
    } else if (field === 'id' && !value.includes('\0')) {
      this.lastId = value;
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const hasData = this.dataLines.length > 0;
    const message: SseMessage = {
      event: this.eventName || 'message',
      data: this.dataLines.join('\n'),
      id: this.lastId,
    };
    this.eventName = '';
    this.dataLines = [];
    return hasData ? message : undefined;
  }
}

const CHAT_EVENT_TYPES: ReadonlySet<string> = new Set<ChatStreamEvent['type']>([
  'conversation',
  'sources',
  'delta',
  'tool',
  'approval',
  'done',
  'error',
]);

/**
 * Turns a wire event of `POST /chat` into a typed chat event. Event types this client does
 * not know are skipped (undefined), so a newer server can add events without breaking it.
 *
 * @public
 */
export function toChatStreamEvent(
  message: SseMessage,
): ChatStreamEvent | undefined {
  if (!CHAT_EVENT_TYPES.has(message.event)) {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    throw new Error(
      `The assistant sent an unreadable '${message.event}' event`,
    );
  }
  return { type: message.event, data } as ChatStreamEvent;
}
