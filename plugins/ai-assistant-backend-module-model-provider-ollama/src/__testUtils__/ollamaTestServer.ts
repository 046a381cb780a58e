import {
  startOllamaTestServer,
  type OllamaTestServer,
  type OllamaTestServerOptions,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { OllamaModelProvider } from '../OllamaModelProvider';

/** The key of the tests that send one. */
export const apiKey = 'ollama-chat-key-9b41f0';

/** A question as the chat sends it. */
export const messages = [
  new SystemMessage('You answer briefly.'),
  new HumanMessage('Who owns payments?'),
];

/** A tool as the chat binds it. */
export const searchCatalog = tool(async () => 'unused', {
  name: 'search_catalog',
  description: 'Searches the software catalog.',
  schema: z.object({ query: z.string(), limit: z.number().optional() }),
});

/** The chat model of a provider's first model. */
export async function firstChatModel(provider: OllamaModelProvider) {
  return (await provider.getModels())[0].chatModel;
}

/**
 * One Ollama test server for the calling test file, its request log emptied before each
 * test, and providers pointed at it that retry after 5 ms instead of seconds. Call at the
 * top level of the file.
 */
export function useOllamaTestServer(options?: OllamaTestServerOptions) {
  let server: OllamaTestServer;
  beforeAll(async () => {
    server = await startOllamaTestServer(options);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });
  return {
    server: () => server,
    createProvider: (
      models = ['llama3.1'],
      key?: string,
      baseUrl = server.baseUrl,
    ) =>
      new OllamaModelProvider(
        { baseUrl, apiKey: key, models },
        { retry: { baseDelayMs: 5 } },
      ),
  };
}
