import { mockCredentials } from '@backstage/backend-test-utils';

/** What a chat request saw, timed at the client. */
export interface ChatOutcome {
  status: number;
  /** Milliseconds from sending the request to the first `delta` event. */
  firstDeltaMs?: number;
  events: string[];
  conversationId?: string;
  error?: string;
}

/**
 * Sends one chat message to the plugin's API as a user, as the frontend does, and reads the
 * event stream to the end. A stream without `done`, or with `error`, is an error.
 */
export async function sendChat(
  base: string,
  user: string,
  message: string,
  conversationId?: string,
): Promise<ChatOutcome> {
  const start = performance.now();
  const res = await fetch(`${base}/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: mockCredentials.user.header(user),
    },
    body: JSON.stringify({
      message,
      ...(conversationId ? { conversationId } : {}),
    }),
  });
  const outcome: ChatOutcome = { status: res.status, events: [] };
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    outcome.error = `HTTP ${res.status}: ${await res.text()}`;
    return outcome;
  }
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    for (
      let end = buffer.indexOf('\n\n');
      end >= 0;
      end = buffer.indexOf('\n\n')
    ) {
      const raw = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: (.*)$/m.exec(raw)?.[1] ?? 'message';
      if (type === 'delta' && outcome.firstDeltaMs === undefined) {
        outcome.firstDeltaMs = performance.now() - start;
      }
      outcome.events.push(type);
      const data = JSON.parse(/^data: (.*)$/m.exec(raw)?.[1] ?? 'null');
      if (type === 'error') outcome.error = JSON.stringify(data);
      if (data?.conversationId) outcome.conversationId = data.conversationId;
    }
  }
  if (!outcome.error && !outcome.events.includes('done')) {
    outcome.error = 'stream ended without done';
  }
  return outcome;
}
