/*
 * Chat under load: 50 users streaming chats back to back for 60 seconds against the real
 * backend with a stub model (40 tokens, 25 ms apart). Counts failed chats and compares the
 * backend process's memory at the end of the 60 s with its memory after a warm-up, both
 * taken with 50 chats streaming.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { startChatBench } from '../lib/chatBackend';
import { main, quick } from '../lib/cli';
import { settledMemory } from '../lib/memory';
import { BENCH_SRC } from '../lib/paths';
import { report } from '../report';

const CONCURRENCY = quick ? 10 : 50;
const WARM_UP_MS = quick ? 3_000 : 10_000;
const DURATION_MS = quick ? 10_000 : 60_000;

main(async () => {
  const bench = await startChatBench({
    model: { firstTokenMs: 0, tokens: 40, interTokenMs: 25 },
    documents: quick ? 100 : 500,
    // The per-user rate limit is not what this measures.
    config: { chat: { rateLimit: { requests: 1_000_000 } } },
  });
  try {
    const client = fork(
      path.join(BENCH_SRC, 'benchmarks', 'chatLoadClient.ts'),
      [
        JSON.stringify({
          base: bench.base,
          concurrency: CONCURRENCY,
          warmUpMs: WARM_UP_MS,
          durationMs: DURATION_MS,
        }),
      ],
      { stdio: 'inherit' },
    );
    process.once('exit', () => client.kill());
    let afterWarmUp = settledMemory();
    let atEnd = afterWarmUp;
    let completedAtWarmUp = 0;
    const done = await new Promise<{
      completed: number;
      errors: number;
      firstErrors: string[];
    }>((resolve, reject) => {
      client.on('message', (message: any) => {
        if (message.phase === 'warm') {
          afterWarmUp = settledMemory();
          completedAtWarmUp = message.completed;
        } else if (message.phase === 'end') {
          atEnd = settledMemory();
        } else {
          resolve(message);
        }
      });
      client.once(
        'exit',
        code => code && reject(new Error(`load client exited with ${code}`)),
      );
    });
    if (done.errors) {
      console.error(`first errors: ${done.firstErrors.join('\n')}`);
    }
    const growth = (atEnd.rssMiB / afterWarmUp.rssMiB - 1) * 100;
    const chats = done.completed - completedAtWarmUp;
    report('chat-load', [
      {
        name: `chat load: failed chats (${CONCURRENCY} concurrent streams for ${DURATION_MS / 1000} s after a ${WARM_UP_MS / 1000} s warm-up)`,
        value: done.errors,
        unit: 'errors',
        target: '0',
        met: done.errors === 0,
      },
      {
        name: 'chat load: chats completed after warm-up',
        value: chats,
        unit: 'chats',
      },
      {
        name: 'chat load: chats per second',
        value: Math.round((chats / (DURATION_MS / 1000)) * 10) / 10,
        unit: 'chats/s',
      },
      {
        name: 'chat load: backend RSS after warm-up (load generator in another process)',
        value: Math.round(afterWarmUp.rssMiB),
        unit: 'MiB',
      },
      {
        name: 'chat load: backend RSS at the end',
        value: Math.round(atEnd.rssMiB),
        unit: 'MiB',
      },
      {
        name: 'chat load: RSS at the end vs after warm-up',
        value: Math.round(growth * 10) / 10,
        unit: '%',
        target: 'within ±20 %',
        met: Math.abs(growth) <= 20,
      },
      {
        name: 'chat load: backend JS heap after warm-up → at the end',
        value: Math.round(atEnd.heapMiB - afterWarmUp.heapMiB),
        unit: 'MiB change',
      },
    ]);
  } finally {
    await bench.stop();
  }
});
