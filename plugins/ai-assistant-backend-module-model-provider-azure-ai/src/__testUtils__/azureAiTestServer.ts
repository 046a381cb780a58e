import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import type { ModelProvider } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import {
  type AzureOpenAiTestServer,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { readAzureAiModelsConfig } from '../config';
import { AzureAiModelProvider } from '../AzureAiModelProvider';

/** The key the test server accepts and every provider below sends. */
export const apiKey = 'test-azure-ai-key-0123456789';

/** A provider of `models`, read through the real config reader as a backend would. */
export function providerFor(
  models: Array<JsonObject>,
  settings: JsonObject = {},
) {
  return new AzureAiModelProvider(
    readAzureAiModelsConfig(
      new ConfigReader({
        aiAssistant: { models: { azureAi: { apiKey, models, ...settings } } },
      }),
    ),
  );
}

/** The chat model of a provider's first model. */
export async function firstModel(provider: ModelProvider) {
  return (await provider.getModels())[0].chatModel;
}

/** A question as the chat sends it. */
export const messages = [
  new SystemMessage('You answer questions about the catalog.'),
  new HumanMessage('Who owns payments?'),
];

/** A tool as the chat binds it. */
export const lookupEntity = tool(async () => '', {
  name: 'lookup_entity',
  description: 'Looks up a catalog entity.',
  schema: z.object({ entityRef: z.string().describe('Entity reference') }),
});

/**
 * One Azure OpenAI test server for the calling test file, with the deployments the tests
 * name; its request log is emptied before each test. Call at the top level of the file.
 */
export function useAzureTestServer(): () => AzureOpenAiTestServer {
  let azure: AzureOpenAiTestServer;
  beforeAll(async () => {
    azure = await startAzureOpenAiTestServer({
      apiKey,
      deployments: ['gpt-4o', 'gpt-4o-mini', 'DeepSeek-R1'],
    });
  });
  beforeEach(() => {
    azure.requests.length = 0;
  });
  afterAll(() => azure.close());
  return () => azure;
}
