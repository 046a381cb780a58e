import type { ChatStreamEvent } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { BASE_URL, createTestClient } from '../__testUtils__/apis';
import { FakeBackend, setupFakeBackend } from '../__testUtils__/fakeBackend';
import { AiAssistantRateLimitError } from './errors';

const server = setupFakeBackend();

describe('AiAssistantClient', () => {
  let backend: FakeBackend;
  beforeEach(() => {
    backend = new FakeBackend();
    server.use(...backend.handlers);
  });

  it('yields each event as soon as its chunk arrives, across chunk boundaries', async () => {
    const client = createTestClient();
    const exchangeP = backend.nextChat();
    const events = client
      .chat({ message: 'How do we deploy?' })
      [Symbol.asyncIterator]();
    const first = events.next();
    const { request, stream } = await exchangeP;
    expect(request).toEqual({ message: 'How do we deploy?' });

    stream.pushEvent(
      { type: 'conversation', data: { conversationId: 'c1', messageId: 'm1' } },
      [3, 20],
    );
    expect((await first).value).toEqual({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });

    const second = events.next();
    stream.push('event: delta\ndata: {"te');
    stream.push('xt":"Argo"}\n');
    stream.push('\nevent: done\ndata: {"messageId":"m1"}\n\n');
    expect((await second).value).toEqual({
      type: 'delta',
      data: { text: 'Argo' },
    });
    expect((await events.next()).value).toEqual({
      type: 'done',
      data: { messageId: 'm1' },
    });
    stream.close();
    expect((await events.next()).done).toBe(true);
  });

  it('stops reading and lets go of the connection when aborted mid-stream', async () => {
    const client = createTestClient();
    const abort = new AbortController();
    const exchangeP = backend.nextChat();
    const received: ChatStreamEvent[] = [];
    const done = (async () => {
      for await (const event of client.chat(
        { message: 'q' },
        { signal: abort.signal },
      )) {
        received.push(event);
        if (event.type === 'delta') {
          abort.abort();
        }
      }
    })();
    const { stream, signal } = await exchangeP;
    stream.pushEvent({ type: 'delta', data: { text: 'partial' } });
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
    stream.pushEvent({ type: 'delta', data: { text: ' and more' } });
    expect(received).toEqual([{ type: 'delta', data: { text: 'partial' } }]);
    expect(signal.aborted).toBe(true);
  });

  it('turns 429 into a rate limit error that says when to try again', async () => {
    server.use(
      http.post(
        `${BASE_URL}/chat`,
        () =>
          new HttpResponse(null, {
            status: 429,
            headers: { 'Retry-After': '30' },
          }),
      ),
    );
    const consume = async () => {
      for await (const _ of createTestClient().chat({ message: 'q' })) {
        // nothing arrives
      }
    };
    const error = await consume().catch(e => e);
    expect(error).toBeInstanceOf(AiAssistantRateLimitError);
    expect(error.retryAfterSeconds).toBe(30);
    expect(error.message).toBe(
      'Too many requests to the AI assistant. Try again in 30 seconds.',
    );
  });

  it('reads Retry-After given as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    const response = new Response(null, {
      status: 429,
      headers: { 'Retry-After': 'Tue, 24 Nov 2026 10:02:00 GMT' },
    });
    expect(
      AiAssistantRateLimitError.fromResponse(response, now).retryAfterSeconds,
    ).toBe(120);
  });

  it("fails with the server's message on other errors", async () => {
    server.use(
      http.post(`${BASE_URL}/chat`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'Invalid chat request: message must not be empty',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    const error = await createTestClient()
      .chat({ message: ' ' })
      [Symbol.asyncIterator]()
      .next()
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.body.error.message).toBe(
      'Invalid chat request: message must not be empty',
    );
  });

  it('lists, renames and deletes conversations, and sends feedback', async () => {
    backend.conversations = [
      {
        id: 'c1',
        title: 'Deploying',
        createdAt: '2026-11-01T10:00:00.000Z',
        updatedAt: '2026-11-01T10:00:00.000Z',
        messages: [],
      },
    ];
    const client = createTestClient();
    expect((await client.listConversations({ limit: 5 })).total).toBe(1);
    await client.listConversations({
      limit: 5,
      q: 'deploy & ship',
      before: 'c0',
    });
    expect(backend.listQueries.at(-1)?.toString()).toBe(
      'limit=5&q=deploy+%26+ship&before=c0',
    );
    expect((await client.renameConversation('c1', 'Shipping')).title).toBe(
      'Shipping',
    );
    await client.rateMessage('m1', { rating: 'up' });
    expect(backend.feedback).toEqual([{ messageId: 'm1', rating: 'up' }]);
    await client.deleteAllConversations();
    expect(backend.conversations).toEqual([]);
  });
});
