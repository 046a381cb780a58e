/**
 * One Server-Sent Event of `POST /chat`: its `event` name and parsed JSON `data`.
 *
 * @public
 */
export interface SseFrame {
  /** The event's name, e.g. `conversation` or `done`. */
  type: string;
  /** The event's `data:` line, parsed as JSON. */
  data: any;
}

/**
 * Reads a `text/event-stream` body as its events arrive. Our server writes one `event:` and
 * one single-line `data:` per frame, so this is all a test or benchmark client needs (the
 * frontend's SseParser handles the general format). Stopping the iteration early cancels
 * the body, which closes the request like a user pressing stop.
 *
 * @public
 */
export async function* readSseEvents(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    for (
      let end = buffer.indexOf('\n\n');
      end >= 0;
      end = buffer.indexOf('\n\n')
    ) {
      const raw = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      yield {
        type: /^event: (.*)$/m.exec(raw)?.[1] ?? 'message',
        data: JSON.parse(/^data: (.*)$/m.exec(raw)?.[1] ?? 'null'),
      };
    }
  }
}
