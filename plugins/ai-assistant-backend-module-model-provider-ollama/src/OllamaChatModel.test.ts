import {
  firstChatModel,
  messages,
  useOllamaTestServer,
} from './__testUtils__/ollamaTestServer';

const { server, createProvider } = useOllamaTestServer();

describe('OllamaChatModel', () => {
  it('stops only the answer whose caller aborted when several users share a model', async () => {
    const chatModel = await firstChatModel(createProvider());
    const text = 'a b c d e f g h i j';
    server().scriptChat({ text, delayMsPerToken: 20 });
    server().scriptChat({ text, delayMsPerToken: 20 });
    const stopping = new AbortController();

    const drain = async (signal?: AbortSignal) => {
      let received = '';
      for await (const chunk of await chatModel.stream(messages, { signal })) {
        received += chunk.text;
        if (signal && received.length > 2) {
          stopping.abort(new Error('user closed the chat'));
        }
      }
      return received;
    };
    const [stopped, other] = await Promise.allSettled([
      drain(stopping.signal),
      drain(),
    ]);

    expect(other).toEqual({ status: 'fulfilled', value: text });
    expect(
      stopped.status === 'rejected' || stopped.value.length < text.length,
    ).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(
      server()
        .requests.map(r => r.aborted)
        .sort(),
    ).toEqual([false, true]);
  });

  it('answers through the content-block event stream of LangChain as well', async () => {
    const chatModel = await firstChatModel(createProvider());
    server().scriptChat({ text: 'Event stream answer.' });
    const message = await chatModel.streamEvents(messages);
    expect(message.text).toBe('Event stream answer.');
    expect(server().requests).toHaveLength(1);
  });

  it('sends no request when the signal is already aborted', async () => {
    const chatModel = await firstChatModel(createProvider());
    await expect(
      chatModel.invoke(messages, { signal: AbortSignal.abort() }),
    ).rejects.toThrow();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server().requests).toHaveLength(0);
  });

  it('abandons a request still waiting for Ollama when the caller aborts', async () => {
    const chatModel = await firstChatModel(createProvider());
    server().scriptChat({ text: 'slow answer', delayMsPerToken: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user closed the chat')), 100);
    const started = Date.now();
    await expect(
      chatModel.invoke(messages, { signal: controller.signal }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
