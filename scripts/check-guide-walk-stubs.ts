/*
 * The loopback model servers of scripts/check-guide-walk.sh: the project's own Azure OpenAI and
 * Ollama test servers (plugins/ai-assistant-node/src/testUtils/servers), so the scratch backend
 * configured as the deployment guide shows (Azure OpenAI embeddings, Azure AI and Ollama models)
 * talks to 127.0.0.1 only. Prints one JSON line with their addresses, then serves until it gets
 * SIGTERM, when it prints which paths were called (the check shows them in its log).
 *
 *   node_modules/.bin/tsx scripts/check-guide-walk-stubs.ts
 */
import { startAzureOpenAiTestServer } from '../plugins/ai-assistant-node/src/testUtils/servers/azureOpenAi';
import { startOllamaTestServer } from '../plugins/ai-assistant-node/src/testUtils/servers/ollama';

async function main() {
  const azure = await startAzureOpenAiTestServer({ apiKey: 'guide-walk-key' });
  const ollama = await startOllamaTestServer();
  process.stdout.write(
    `${JSON.stringify({ azure: azure.endpoint, ollama: ollama.baseUrl })}\n`,
  );
  process.on('SIGTERM', async () => {
    const paths = [...azure.requests, ...ollama.requests].map(r => r.path);
    const counts = new Map<string, number>();
    for (const path of paths) counts.set(path, (counts.get(path) ?? 0) + 1);
    process.stderr.write(
      `guide walk stubs: ${[...counts].map(([p, n]) => `${p} ×${n}`).join(', ') || 'no requests'}\n`,
    );
    await Promise.all([azure.close(), ollama.close()]);
    process.exit(0);
  });
}

main().catch(error => {
  process.stderr.write(`guide walk stubs: ${error.stack ?? error}\n`);
  process.exit(1);
});
