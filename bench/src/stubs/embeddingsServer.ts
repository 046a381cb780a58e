/*
 * A loopback server speaking the Azure OpenAI embeddings API, fast enough that only the
 * caller is measured: vectors come from a precomputed pool (two pool vectors mixed per text,
 * so texts get distinct vectors) and answers are assembled as strings, in base64 when the
 * client asks for it as the OpenAI SDK does. Runs in its own process (see startEmbeddingsStub)
 * so that it does not share the event loop of the code under test.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gaussian, hashText, normalize, seededRandom } from '../lib/random';

const POOL_SIZE = 1024;

function pool(dimensions: number): Float32Array[] {
  const random = seededRandom(7);
  return Array.from({ length: POOL_SIZE }, () => {
    const vector = new Float32Array(dimensions);
    for (let i = 0; i < dimensions; i++) vector[i] = gaussian(random);
    return normalize(vector);
  });
}

/** Simulated provider limits: latency per call and a fixed-window rate limit. */
interface Limits {
  latencyMs: number;
  /** Requests per window; 0 for no limit. */
  requests: number;
  windowMs: number;
}

function serve(dimensions: number, limits: Limits) {
  const vectors = pool(dimensions);
  const mixed = new Float32Array(dimensions);
  const stats = {
    calls: 0,
    inputs: 0,
    base64: 0,
    rejected: 0,
    /** Requests rejected when their previous attempt had been rejected too. */
    rejectedTwice: 0,
  };
  const window = { start: 0, used: 0 };
  const lastRejected = new Set<string>();
  /** Milliseconds to the next window when the limit refuses a request now, else 0. */
  function refuseFor(): number {
    if (!limits.requests) return 0;
    const now = Date.now();
    if (now >= window.start + limits.windowMs) {
      window.start = now;
      window.used = 0;
    }
    if (window.used >= limits.requests)
      return window.start + limits.windowMs - now;
    window.used += 1;
    return 0;
  }

  function embed(text: string): Float32Array {
    const a = vectors[hashText(text) % POOL_SIZE];
    const b = vectors[hashText(text, 0x01000193) % POOL_SIZE];
    for (let i = 0; i < dimensions; i++) mixed[i] = a[i] + 0.5 * b[i];
    return normalize(mixed);
  }

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', part => parts.push(part));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/stats') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(stats));
        return;
      }
      if (req.method === 'POST' && req.url === '/stats/reset') {
        Object.assign(stats, {
          calls: 0,
          inputs: 0,
          base64: 0,
          rejected: 0,
          rejectedTwice: 0,
        });
        res.writeHead(204).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      const inputs: string[] = Array.isArray(body.input)
        ? body.input
        : [body.input];
      const base64 = body.encoding_format === 'base64';
      const key = String(inputs[0]);
      const waitMs = refuseFor();
      if (waitMs > 0) {
        stats.rejected += 1;
        if (lastRejected.has(key)) stats.rejectedTwice += 1;
        lastRejected.add(key);
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(Math.ceil(waitMs / 1000)),
          'retry-after-ms': String(waitMs + 1),
        });
        res.end('{"error":{"code":"429","message":"Rate limit exceeded"}}');
        return;
      }
      lastRejected.delete(key);
      stats.calls += 1;
      stats.inputs += inputs.length;
      if (base64) stats.base64 += 1;
      const items = inputs.map((text, index) => {
        const vector = embed(String(text));
        const encoded = base64
          ? `"${Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')}"`
          : `[${vector.join(',')}]`;
        return `{"object":"embedding","index":${index},"embedding":${encoded}}`;
      });
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          `{"object":"list","data":[${items.join(',')}],"model":"bench","usage":{"prompt_tokens":${inputs.length},"total_tokens":${inputs.length}}}`,
        );
      };
      if (limits.latencyMs > 0) setTimeout(answer, limits.latencyMs);
      else answer();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port });
  });
}

serve(Number(process.argv[2] ?? 1536), {
  latencyMs: Number(process.argv[3] ?? 0),
  requests: Number(process.argv[4] ?? 0),
  windowMs: Number(process.argv[5] ?? 60_000),
});
// The benchmark that forked this process is gone: so is the reason to run.
process.on('disconnect', () => process.exit(0));
