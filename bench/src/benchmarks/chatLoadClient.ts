/*
 * The load generator of chatLoad.ts, in its own process so that the backend's memory is
 * measured alone. Reports to its parent when the warm-up is over and when the load is done.
 */
import { sendChat } from '../lib/chatClient';

const { base, concurrency, warmUpMs, durationMs } = JSON.parse(process.argv[2]);

async function run() {
  const stopAt = Date.now() + warmUpMs + durationMs;
  let completed = 0;
  const errors: string[] = [];
  const worker = async (n: number) => {
    let conversationId: string | undefined;
    for (let i = 0; Date.now() < stopAt; i++) {
      // Five questions per conversation, then a new one, as people do.
      const outcome = await sendChat(
        base,
        `user:default/load-${n}`,
        `Who owns service ${n} and how is it deployed (${i})?`,
        i % 5 ? conversationId : undefined,
      ).catch(error => ({ error: String(error), conversationId: undefined }));
      if (outcome.error) errors.push(outcome.error);
      else completed += 1;
      conversationId = outcome.conversationId;
    }
  };
  const workers = Array.from({ length: concurrency }, (_, n) => worker(n));
  setTimeout(() => process.send!({ phase: 'warm', completed }), warmUpMs);
  // The end is sampled with the last chats still streaming, as after the warm-up.
  setTimeout(() => process.send!({ phase: 'end' }), warmUpMs + durationMs);
  await Promise.all(workers);
  process.send!(
    {
      phase: 'done',
      completed,
      errors: errors.length,
      firstErrors: errors.slice(0, 3),
    },
    () => process.exit(0),
  );
}

run();
