import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ModelNotFoundError,
  ProviderError,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { startOllamaTestServer } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { OllamaModelProvider } from './OllamaModelProvider';
import { apiKey, useOllamaTestServer } from './__testUtils__/ollamaTestServer';

const { server: pulled, createProvider } = useOllamaTestServer({
  models: ['llama3.1', 'qwen2.5:14b'],
});

describe('the reachability probe', () => {
  async function probeOf(model: string, key?: string, baseUrl?: string) {
    const [first] = await createProvider(
      [model],
      key,
      baseUrl ?? pulled().baseUrl,
    ).getModels();
    return (signal?: AbortSignal) => first.probe!(signal);
  }

  it('passes when Ollama lists the model, with or without its :latest tag, asking /api/tags with the key and no tokens', async () => {
    await expect((await probeOf('llama3.1', apiKey))()).resolves.toBe(
      undefined,
    );
    await expect((await probeOf('llama3.1:latest'))()).resolves.toBe(undefined);
    await expect((await probeOf('qwen2.5:14b'))()).resolves.toBe(undefined);
    expect(pulled().requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/tags',
      'GET /api/tags',
      'GET /api/tags',
    ]);
    expect(pulled().requests[0].headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(pulled().requests[1].headers.authorization).toBeUndefined();
  });

  it('fails naming the missing model and what Ollama has, with the command to pull it', async () => {
    const error = await (await probeOf('mistral'))().catch(e => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect(error.message).toBe(
      `Ollama model mistral at ${pulled().baseUrl}/api/tags failed: the server does not have this model (it has llama3.1:latest, qwen2.5:14b); pull it with "ollama pull mistral" or fix the model name in the config`,
    );
    // another tag of a pulled model is another model
    await expect((await probeOf('qwen2.5'))()).rejects.toThrow(
      'the server does not have this model',
    );
  });

  it('fails at once, without retrying, when nothing listens or the server errs', async () => {
    const gone = await startOllamaTestServer();
    const goneUrl = gone.baseUrl;
    await gone.close();
    await expect(
      (await probeOf('llama3.1', undefined, goneUrl))(),
    ).rejects.toThrow(
      `Ollama model llama3.1 at ${goneUrl}/api/tags failed: cannot reach the server (ECONNREFUSED); check baseUrl and that Ollama is running`,
    );

    pulled().failNext(503);
    await expect((await probeOf('llama3.1'))()).rejects.toThrow(
      'failed: HTTP 503: service unavailable',
    );
    expect(pulled().requests).toHaveLength(1);
  });

  it('fails with a credentials error that does not show the key when the key is wrong', async () => {
    const guarded = await startOllamaTestServer({
      apiKey: 'the-right-key',
      models: ['llama3.1'],
    });
    try {
      const error = await (
        await probeOf('llama3.1', apiKey, guarded.baseUrl)
      )().catch(e => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.message).toBe(
        `Ollama model llama3.1 at ${guarded.baseUrl}/api/tags failed: the provider rejected the credentials (HTTP 401); check the API key in the config`,
      );
      expect(JSON.stringify([error.message, error.stack])).not.toContain(
        apiKey,
      );
      expect(guarded.requests).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });

  it('gives up after its timeout when Ollama does not answer', async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const [model] = await new OllamaModelProvider(
        { baseUrl: `http://127.0.0.1:${port}`, models: ['llama3.1'] },
        { probeTimeoutMs: 300 },
      ).getModels();
      await expect(model.probe!()).rejects.toThrow(
        `Ollama model llama3.1 at http://127.0.0.1:${port}/api/tags failed: no response within 300 ms`,
      );
    } finally {
      silent.closeAllConnections();
      await new Promise(resolve => silent.close(resolve));
    }
  });
});
