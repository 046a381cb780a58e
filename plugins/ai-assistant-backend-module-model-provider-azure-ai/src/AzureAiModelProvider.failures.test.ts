import { ProviderError } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { captureConsole } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  firstModel,
  messages,
  providerFor,
  useAzureTestServer,
} from './__testUtils__/azureAiTestServer';

const azure = useAzureTestServer();

describe('the Azure AI model provider when a request fails', () => {
  it('waits as long as Retry-After says after a 429, then streams the answer', async () => {
    azure().failNext(429, { 'Retry-After': '1' });
    azure().scriptChat({ text: 'after the wait' });
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure().endpoint, modelName: 'gpt-4o' }]),
    );
    const started = Date.now();
    const tokens: string[] = [];
    for await (const chunk of await chatModel.stream(messages)) {
      tokens.push(chunk.text);
    }
    expect(tokens.join('')).toBe('after the wait');
    expect(azure().requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(azure().requests[1].body).toEqual(azure().requests[0].body);
  });

  describe('when the key is rejected', () => {
    const output = captureConsole();

    it('turns a rejected key into one clear error naming provider and model, without the key', async () => {
      const wrongKey = 'wrong-key-that-must-not-leak-42';
      const chatModel = await firstModel(
        providerFor([{ endpoint: azure().endpoint, modelName: 'gpt-4o' }], {
          apiKey: wrongKey,
        }),
      );
      const error = await (async () => {
        for await (const _ of await chatModel.stream(messages)) {
          // no chunks expected
        }
      })().catch(e => e);

      expect(error).toBeInstanceOf(ProviderError);
      expect(error.status).toBe(401);
      expect(error.message).toBe(
        `Azure AI model gpt-4o at ${azure().endpoint}/openai/deployments/gpt-4o/chat/completions failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
      );
      expect(azure().requests).toHaveLength(1);
      expect(JSON.stringify(error)).not.toContain(wrongKey);
      expect(String(error.stack)).not.toContain(wrongKey);
      expect(output().join('\n')).not.toContain(wrongKey);
    });
  });

  it('names the status and cause when retries run out', async () => {
    azure().failNext(500, { 'retry-after-ms': '5' }, 2);
    const chatModel = await firstModel(
      providerFor(
        [
          {
            endpoint: `${azure().endpoint}/openai/v1`,
            modelName: 'gpt-4o-mini',
          },
        ],
        { maxRetries: 1 },
      ),
    );
    await expect(chatModel.invoke(messages)).rejects.toThrow(
      `Azure AI model gpt-4o-mini at ${azure().endpoint}/openai/v1/chat/completions failed: HTTP 500: The server had an error while processing your request`,
    );
    expect(azure().requests).toHaveLength(2);
  });

  it('leaves a caller abort as an abort, not a provider failure', async () => {
    const chatModel = await firstModel(
      providerFor([{ endpoint: azure().endpoint, modelName: 'gpt-4o' }]),
    );
    const controller = new AbortController();
    controller.abort();
    const error = await chatModel
      .invoke(messages, { signal: controller.signal })
      .catch(e => e);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(azure().requests).toHaveLength(0);
  });
});
