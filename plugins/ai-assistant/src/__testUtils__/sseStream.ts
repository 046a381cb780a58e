import type { ChatStreamEvent } from '@ai-assistant/backstage-plugin-ai-assistant-common';

/** Serializes a chat event the way the backend's SseWriter does. */
function sseText(event: ChatStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * A response body the test feeds by hand, so each network chunk arrives only when the test
 * says, and the test can see when the client let go of the connection.
 */
export class ScriptedSseStream {
  readonly body: ReadableStream<Uint8Array>;
  /** Whether the client cancelled the body (stop button, leaving the page). */
  cancelled = false;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly encoder = new TextEncoder();

  constructor() {
    this.body = new ReadableStream<Uint8Array>({
      start: controller => {
        this.controller = controller;
      },
      cancel: () => {
        this.cancelled = true;
      },
    });
  }

  /** Sends raw text as one network chunk. */
  push(text: string): void {
    if (!this.cancelled) {
      this.controller.enqueue(this.encoder.encode(text));
    }
  }

  /** Sends a whole event, split into chunks at the given character offsets. */
  pushEvent(event: ChatStreamEvent, splitAt: number[] = []): void {
    const text = sseText(event);
    let last = 0;
    for (const at of [...splitAt, text.length]) {
      this.push(text.slice(last, at));
      last = at;
    }
  }

  close(): void {
    if (!this.cancelled) {
      this.controller.close();
    }
  }

  /** The streamed answer as an HTTP response, with the headers the backend sends. */
  response(): Response {
    return new Response(this.body, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
      },
    });
  }
}
