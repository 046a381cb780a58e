import type { ChatStreamEvent } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { Response } from 'express';
import type { ChatEventSink } from '../chat/sse';

/**
 * Writes Server-Sent Events to an express response, each flushed at once so tokens reach the
 * user as the model produces them.
 */
export class SseWriter implements ChatEventSink {
  private constructor(private readonly res: Response) {}

  /**
   * Starts the event stream. `no-transform` makes the compression middleware leave the
   * response alone (it would otherwise buffer), and `X-Accel-Buffering: no` does the same for
   * nginx-style proxies.
   */
  static open(res: Response): SseWriter {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader('Connection', 'keep-alive');
    res.flushHeaders();
    return new SseWriter(res);
  }

  send(event: ChatStreamEvent): void {
    if (this.res.writableEnded || this.res.destroyed) {
      return;
    }
    this.res.write(
      `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`,
    );
    // Set by the compression middleware when it wraps the response.
    (this.res as Response & { flush?: () => void }).flush?.();
  }

  end(): void {
    if (!this.res.writableEnded) {
      this.res.end();
    }
  }
}
