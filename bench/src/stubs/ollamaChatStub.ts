import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stub model answers. */
export interface ChatStubOptions {
  /** Pause before the first token, as a model reads the prompt. */
  firstTokenMs: number;
  /** Tokens per answer after the first. */
  tokens: number;
  /** Pause between tokens. */
  interTokenMs: number;
}

/** A running {@link startOllamaChatStub}. */
export interface OllamaChatStub {
  baseUrl: string;
  /**
   * For each streamed answer, in order of arrival: milliseconds from the request's arrival
   * to the stub's writing of the first token, which is the model's share of time to first token.
   */
  firstTokenMs: number[];
  requests: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * A loopback model server speaking Ollama's `/api/chat` (NDJSON stream or one JSON answer),
 * that times its own first token so that a benchmark can subtract it.
 */
export async function startOllamaChatStub(
  options: ChatStubOptions,
): Promise<OllamaChatStub> {
  const stub = { firstTokenMs: [] as number[], requests: 0 };
  const server = createServer((req, res) => {
    const arrived = performance.now();
    const parts: Buffer[] = [];
    req.on('data', part => parts.push(part));
    req.on('end', async () => {
      if (req.url !== '/api/chat' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      stub.requests += 1;
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      const line = (content: string, done = false) =>
        `${JSON.stringify({
          model: body.model,
          created_at: new Date().toISOString(),
          message: { role: 'assistant', content },
          done,
          ...(done
            ? {
                done_reason: 'stop',
                prompt_eval_count: 100,
                eval_count: options.tokens + 1,
              }
            : {}),
        })}\n`;
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      await sleep(options.firstTokenMs);
      if (body.stream === false) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(line('A short title', true));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(line('The '));
      stub.firstTokenMs.push(performance.now() - arrived);
      for (let i = 0; i < options.tokens && !closed; i++) {
        if (options.interTokenMs) await sleep(options.interTokenMs);
        res.write(line(`word${i} `));
      }
      res.end(line('', true));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get firstTokenMs() {
      return stub.firstTokenMs;
    },
    get requests() {
      return stub.requests;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
