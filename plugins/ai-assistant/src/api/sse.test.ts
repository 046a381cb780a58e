import { SseMessage, SseParser, toChatStreamEvent } from './sse';

const STREAM =
  'event: conversation\ndata: {"conversationId":"c1","messageId":"m1"}\n\n' +
  ': keep-alive comment\n\n' +
  'event: delta\ndata: {"text":"Grüße 👋 aus Köln"}\n\n' +
  'event: done\ndata: {"messageId":"m1"}\n\n';

const EXPECTED: SseMessage[] = [
  {
    event: 'conversation',
    data: '{"conversationId":"c1","messageId":"m1"}',
    id: undefined,
  },
  { event: 'delta', data: '{"text":"Grüße 👋 aus Köln"}', id: undefined },
  { event: 'done', data: '{"messageId":"m1"}', id: undefined },
];

function parseChunks(chunks: string[]): SseMessage[] {
  const parser = new SseParser();
  return [...chunks.flatMap(chunk => parser.push(chunk)), ...parser.end()];
}

describe('SseParser', () => {
  it('parses a stream that arrives in one piece', () => {
    expect(parseChunks([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the text is split into two chunks', () => {
    for (let at = 0; at <= STREAM.length; at++) {
      expect(parseChunks([STREAM.slice(0, at), STREAM.slice(at)])).toEqual(
        EXPECTED,
      );
    }
  });

  it('gives the same events when every character is its own chunk', () => {
    expect(parseChunks([...STREAM])).toEqual(EXPECTED);
  });

  it('keeps multi-byte characters whole when bytes split inside them', () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let at = 1; at < bytes.length; at++) {
      const decoder = new TextDecoder();
      const parser = new SseParser();
      const messages = [
        ...parser.push(decoder.decode(bytes.slice(0, at), { stream: true })),
        ...parser.push(decoder.decode(bytes.slice(at), { stream: true })),
        ...parser.push(decoder.decode()),
        ...parser.end(),
      ];
      expect(messages).toEqual(EXPECTED);
    }
  });

  it('accepts CRLF and CR line endings, including a CRLF split between chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    for (let at = 0; at <= crlf.length; at++) {
      expect(parseChunks([crlf.slice(0, at), crlf.slice(at)])).toEqual(
        EXPECTED,
      );
    }
    expect(parseChunks([STREAM.replace(/\n/g, '\r')])).toEqual(EXPECTED);
  });

  it('joins multi-line data, strips one leading space, and keeps the last id', () => {
    expect(parseChunks(['id: 7\ndata:first\ndata:  second\ndata\n\n'])).toEqual(
      [{ event: 'message', data: 'first\n second\n', id: '7' }],
    );
  });

  it('drops an event the stream ends in the middle of', () => {
    expect(
      parseChunks([
        'event: delta\ndata: {"text":"a"}\n\nevent: delta\ndata: {"te',
      ]),
    ).toEqual([{ event: 'delta', data: '{"text":"a"}', id: undefined }]);
  });
});

describe('toChatStreamEvent', () => {
  it('types known events and skips unknown ones', () => {
    expect(
      toChatStreamEvent({ event: 'delta', data: '{"text":"hi"}' }),
    ).toEqual({ type: 'delta', data: { text: 'hi' } });
    expect(toChatStreamEvent({ event: 'ping', data: '{}' })).toBeUndefined();
  });

  it('says which event was unreadable', () => {
    expect(() =>
      toChatStreamEvent({ event: 'sources', data: '{not json' }),
    ).toThrow("The assistant sent an unreadable 'sources' event");
  });
});
