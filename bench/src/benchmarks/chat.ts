/*
 * Chat overhead: time from sending a chat request to the first streamed token at the client,
 * minus the time the stub model itself took to its first token. What remains is ours:
 * routing, auth, history, embedding the question, hybrid retrieval, prompt, streaming.
 */
import { startChatBench } from '../lib/chatBackend';
import { main, percentile, quick } from '../lib/cli';
import { report } from '../report';

const WARM_UP = 5;
const MEASURED = quick ? 20 : 60;

main(async () => {
  const bench = await startChatBench({
    model: { firstTokenMs: 0, tokens: 5, interTokenMs: 0 },
    documents: quick ? 100 : 500,
    // One user asks all the questions; the per-user rate limit is not what this measures.
    config: { chat: { rateLimit: { requests: 1_000_000 } } },
  });
  try {
    const overheads: number[] = [];
    let conversationId: string | undefined;
    for (let i = 0; i < WARM_UP + MEASURED; i++) {
      const stubIndex = bench.modelStub.firstTokenMs.length;
      // Every other question continues the previous conversation, so history is loaded too.
      const outcome = await bench.chat(
        'user:default/bench',
        `How do I roll back the payments service deployment number ${i}?`,
        i % 2 ? conversationId : undefined,
      );
      if (outcome.error || outcome.firstDeltaMs === undefined) {
        throw new Error(`chat failed: ${outcome.error ?? 'no delta'}`);
      }
      conversationId = outcome.conversationId;
      const modelMs = bench.modelStub.firstTokenMs[stubIndex];
      if (i >= WARM_UP) overheads.push(outcome.firstDeltaMs - modelMs);
    }
    const p50 = percentile(overheads, 50);
    report('chat', [
      {
        name: `chat: time to first token minus the model's own (p50 of ${MEASURED} requests)`,
        value: Math.round(p50 * 10) / 10,
        unit: 'ms',
        target: '≤ 30 ms',
        met: p50 <= 30,
      },
      {
        name: `chat: time to first token minus the model's own (p95)`,
        value: Math.round(percentile(overheads, 95) * 10) / 10,
        unit: 'ms',
      },
    ]);
  } finally {
    await bench.stop();
  }
});
