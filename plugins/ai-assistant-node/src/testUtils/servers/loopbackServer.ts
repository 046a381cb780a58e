import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The plumbing the provider test servers share: recording requests, reading JSON bodies,
// failing on demand, listening on a free loopback port and closing. Internal to this folder.

/**
 * What every test server records of a request.
 *
 * @public
 */
export interface RecordedRequestBase {
  method: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string | undefined>;
  /** The parsed JSON body, or `undefined` when there was none or it was not JSON. */
  body: any;
  /** Whether the client went away before a streamed answer was complete. */
  aborted: boolean;
}

/**
 * How a test server built on {@link startLoopbackServer} records, fails and answers.
 *
 * @public
 */
export interface LoopbackServerHandlers<R extends RecordedRequestBase> {
  /** Completes the record of a request with the server's own fields, e.g. its API path. */
  record(base: RecordedRequestBase, url: URL): R;
  /** Answers a request `failNext` asked to fail, in the provider's error format. */
  fail(
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
  ): void;
  /** Answers any other request; `invalidJson` says a body was sent that is not JSON. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    recorded: R,
    context: { url: URL; invalidJson: boolean },
  ): void | Promise<void>;
}

/**
 * A running {@link startLoopbackServer}.
 *
 * @public
 */
export interface LoopbackServer<R> {
  /** E.g. `http://127.0.0.1:43123`. */
  origin: string;
  requests: R[];
  /** Queues failures of the next requests, answered by the server's `fail`. */
  failNext: (
    status: number,
    headers?: Record<string, string>,
    times?: number,
  ) => void;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 and a free port that records and can fail requests.
 *
 * @public
 */
export async function startLoopbackServer<R extends RecordedRequestBase>(
  handlers: LoopbackServerHandlers<R>,
): Promise<LoopbackServer<R>> {
  const requests: R[] = [];
  const failures: Array<{ status: number; headers: Record<string, string> }> =
    [];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    let body: any = undefined;
    let invalidJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        invalidJson = true;
      }
    }
    const recorded = handlers.record(
      {
        method: req.method ?? 'GET',
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [
            k,
            Array.isArray(v) ? v.join(', ') : v,
          ]),
        ),
        body,
        aborted: false,
      },
      url,
    );
    requests.push(recorded);

    const failure = failures.shift();
    if (failure) {
      handlers.fail(res, failure.status, failure.headers);
      return;
    }
    await handlers.handle(req, res, recorded, { url, invalidJson });
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    failNext(status, headers = {}, times = 1) {
      for (let i = 0; i < times; i++) {
        failures.push({ status, headers });
      }
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Marks the request aborted when the client goes away before the answer is complete; the
 * returned function tells a streaming answer to stop writing.
 */
export function watchClientGone(
  res: ServerResponse,
  recorded: RecordedRequestBase,
): () => boolean {
  let closed = false;
  res.on('close', () => {
    closed = true;
    recorded.aborted = !res.writableFinished;
  });
  return () => closed;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Answers with a JSON body.
 *
 * @public
 */
export function sendJson(
  res: ServerResponse,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
  });
  res.end(JSON.stringify(body));
}

/**
 * The lower-case words of a text.
 *
 * @public
 */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * A unit vector where every word adds ±1 at two hashed positions: equal texts get equal
 * vectors, texts sharing words point in similar directions, unrelated texts are near orthogonal.
 */
export function bagOfWordsVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of words(text)) {
    for (const seed of [0x811c9dc5, 0x01000193]) {
      const hash = fnv1a(word, seed);
      vector[hash % dimensions] += hash & 0x80000000 ? -1 : 1;
    }
  }
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map(x => x / norm);
}

/** The 32-bit FNV-1a hash of a text. */
export function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
