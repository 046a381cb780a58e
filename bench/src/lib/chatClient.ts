import { readSseEvents } from '@ai-assistant/backstage-plugin-ai-assistant-backend/testUtils';
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
  for await (const { type, data } of readSseEvents(
    res.body as unknown as AsyncIterable<Uint8Array>,
  )) {
    if (type === 'delta' && outcome.firstDeltaMs === undefined) {
      outcome.firstDeltaMs = performance.now() - start;
    }
    outcome.events.push(type);
    if (type === 'error') outcome.error = JSON.stringify(data);
    if (data?.conversationId) outcome.conversationId = data.conversationId;
  }
  if (!outcome.error && !outcome.events.includes('done')) {
    outcome.error = 'stream ended without done';
  }
  return outcome;
}
