import { fork } from 'node:child_process';
import path from 'node:path';
import { BENCH_SRC } from '../lib/paths';

/** A running Azure OpenAI embeddings stub in a child process. */
export interface EmbeddingsStub {
  /** Use as the `endpoint` of the Azure OpenAI embeddings config. */
  endpoint: string;
  /** Requests and texts embedded since the start or the last reset. */
  stats(): Promise<{
    calls: number;
    inputs: number;
    base64: number;
    rejected: number;
    rejectedTwice: number;
  }>;
  reset(): Promise<void>;
  close(): void;
}

/** Starts the embeddings stub (see embeddingsServer.ts) for vectors of the given length. */
export async function startEmbeddingsStub(
  dimensions: number,
  /** A provider's limits to simulate: latency per call, requests per window. */
  limits: { latencyMs?: number; requests?: number; windowMs?: number } = {},
): Promise<EmbeddingsStub> {
  const child = fork(
    path.join(BENCH_SRC, 'stubs', 'embeddingsServer.ts'),
    [
      String(dimensions),
      String(limits.latencyMs ?? 0),
      String(limits.requests ?? 0),
      String(limits.windowMs ?? 60_000),
    ],
    {
      stdio: 'inherit',
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: any) => resolve(message.port));
    child.once('exit', code =>
      reject(new Error(`embeddings stub exited with ${code}`)),
    );
  });
  // Never outlive the benchmark, even when it fails.
  process.once('exit', () => child.kill());
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async stats() {
      return (await fetch(`${endpoint}/stats`)).json();
    },
    async reset() {
      await fetch(`${endpoint}/stats/reset`, { method: 'POST' });
    },
    close() {
      child.kill();
    },
  };
}
