import { ProviderError } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  captureConsole,
  startOllamaTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  apiKey,
  firstChatModel,
  messages,
  useOllamaTestServer,
} from './__testUtils__/ollamaTestServer';

const { server, createProvider } = useOllamaTestServer();

describe('OllamaModelProvider when a request fails', () => {
  it('waits as long as Retry-After says after a 429 and then succeeds', async () => {
    const chatModel = await firstChatModel(createProvider());
    server().failNext(429, { 'Retry-After': '1' });
    server().scriptChat({ text: 'Finally.' });
    const started = Date.now();
    await expect(chatModel.invoke(messages)).resolves.toMatchObject({
      text: 'Finally.',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server().requests.map(r => r.path)).toEqual([
      '/api/chat',
      '/api/chat',
    ]);
  });

  it('fails with an error naming provider and model when Ollama breaks off an answer', async () => {
    const chatModel = await firstChatModel(createProvider());
    server().scriptChat({
      text: 'Half an',
      error: 'llama runner process has terminated: signal: killed',
    });
    await expect(chatModel.invoke(messages)).rejects.toThrow(
      `Ollama model llama3.1 at ${server().baseUrl}/api/chat failed: llama runner process has terminated: signal: killed`,
    );
  });

  it('gives up on persistent server errors with an error naming provider, model and status', async () => {
    const chatModel = await firstChatModel(createProvider());
    server().failNext(502, {}, 4);
    await expect(chatModel.invoke(messages)).rejects.toThrow(
      `Ollama model llama3.1 at ${server().baseUrl}/api/chat failed: HTTP 502: bad gateway`,
    );
    expect(server().requests).toHaveLength(4);
  });

  describe('when the key is rejected', () => {
    const output = captureConsole();

    it.each(['invoke', 'stream'] as const)(
      '%s fails once with one clear error that names provider and model but not the key',
      async method => {
        const guarded = await startOllamaTestServer({
          apiKey: 'the-right-key',
        });
        try {
          const chatModel = await firstChatModel(
            createProvider(['qwen2.5'], apiKey, guarded.baseUrl),
          );
          const run = async () => {
            if (method === 'invoke') {
              return chatModel.invoke(messages);
            }
            for await (const _ of await chatModel.stream(messages)) {
              // drain
            }
            return undefined;
          };
          const error = await run().catch(e => e);

          expect(error).toBeInstanceOf(ProviderError);
          expect(error.message).toBe(
            `Ollama model qwen2.5 at ${guarded.baseUrl}/api/chat failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
          );
          expect(guarded.requests).toHaveLength(1);
          expect(
            JSON.stringify({
              message: error.message,
              stack: error.stack,
              output: output(),
            }),
          ).not.toContain(apiKey);
          expect(output()).toEqual([]);
        } finally {
          await guarded.close();
        }
      },
    );
  });
});
