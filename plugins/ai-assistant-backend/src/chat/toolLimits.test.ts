import azureAiModels from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-azure-ai';
import {
  type AzureOpenAiTestServer,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { startChatBackend, waitFor } from '../__testUtils__/chatBackend';
import { doc } from '../__testUtils__/fakes';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();
const mainDatabase = databases.ids[0];

const searches = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: 'search_knowledge',
    arguments: { query: `argo ${i}` },
  }));

// Security review finding 7: every tool call of a round ran, so one rate-limited chat request
// could make the model run hundreds of knowledge searches.
describe(`Security review 7: tool-call amplification, on ${mainDatabase}`, () => {
  let azure: AzureOpenAiTestServer;
  beforeEach(async () => {
    azure = await startAzureOpenAiTestServer();
  });
  afterEach(() => azure.close());

  const start = async (config: JsonObject = {}) =>
    startChatBackend({
      models: null,
      features: [azureAiModels],
      documents: [doc('argo', 'Deployments use Argo CD.')],
      config: {
        ...config,
        models: {
          azureAi: {
            apiKey: 'tool-limits-key',
            maxRetries: 0,
            models: [{ endpoint: azure.endpoint, modelName: 'gpt-4o' }],
          },
        },
      },
      knex:
        mainDatabase === 'POSTGRES_15'
          ? await databases.init(mainDatabase)
          : undefined,
    });

  /** The `tool` messages the model received in its `n`th chat request of the answer. */
  const toolResults = (n: number) =>
    azure.requests
      .filter(r => r.path.endsWith('/chat/completions'))
      [n].body.messages.filter((m: any) => m.role === 'tool')
      .map((m: any) => m.content as string);

  const succeededSearches = (events: Array<{ type: string; data: any }>) =>
    events.filter(e => e.type === 'tool' && e.data.status === 'succeeded')
      .length;

  it('runs at most maxCallsPerRound tool calls per round and maxCallsPerAnswer per answer, and tells the model about the rest', async () => {
    const backend = await start();
    azure.scriptChat({ toolCalls: searches(200) });
    azure.scriptChat({ toolCalls: searches(200) });
    azure.scriptChat({ toolCalls: searches(200) });
    azure.scriptChat({ text: 'Deployments use Argo CD [1].' });

    const { events } = await backend.chat({ message: 'How do we deploy?' });

    expect(events.at(-1)!.type).toBe('done');
    // Defaults: 5 per round, 10 per answer; 600 asked for.
    expect(succeededSearches(events)).toBe(10);
    const firstRound = toolResults(1);
    expect(firstRound).toHaveLength(200);
    expect(firstRound.slice(0, 5).join()).toContain('Argo CD');
    expect(firstRound.slice(5)).toEqual(
      Array(195).fill(
        expect.stringContaining(
          'at most 5 tool calls per round (aiAssistant.tools.maxCallsPerRound)',
        ),
      ),
    );
    const thirdRound = toolResults(3).slice(400);
    expect(thirdRound).toEqual(
      Array(200).fill(
        expect.stringContaining(
          'at most 10 tool calls per answer (aiAssistant.tools.maxCallsPerAnswer)',
        ),
      ),
    );
    // The stored answer lists the calls that ran.
    const stored = await backend.conversation(events[0].data.conversationId);
    expect(stored.body.messages[1].toolCalls).toHaveLength(10);
    // Let the background title request finish before stopping.
    await waitFor(async () =>
      azure.requests.filter(r => r.path.endsWith('/chat/completions')).length >=
      5
        ? true
        : undefined,
    );
    await backend.stop();
  });

  it('takes each tool call beyond the first of an answer from the chat rate limit', async () => {
    const backend = await start({
      chat: { rateLimit: { requests: 4, window: { minutes: 1 } } },
      tools: { maxCallsPerRound: 50, maxCallsPerAnswer: 50 },
    });
    azure.scriptChat({ toolCalls: searches(20) });
    azure.scriptChat({ text: 'Deployments use Argo CD [1].' });

    const { events } = await backend.chat({ message: 'How do we deploy?' });

    expect(events.at(-1)!.type).toBe('done');
    // The request took 1 of 4, the first call is free, three more took the rest.
    expect(succeededSearches(events)).toBe(4);
    expect(toolResults(1).slice(4)).toEqual(
      Array(16).fill(
        expect.stringContaining('rate limit (aiAssistant.chat.rateLimit)'),
      ),
    );
    const next = await request(backend.server)
      .post('/api/ai-assistant/chat')
      .set('Authorization', backend.auth('user:default/a'))
      .send({ message: 'one more' });
    expect(next.status).toBe(429);
    await waitFor(async () =>
      azure.requests.filter(r => r.path.endsWith('/chat/completions')).length >=
      3
        ? true
        : undefined,
    );
    await backend.stop();
  });

  it('refuses invalid tool-call limits at startup, naming the key', async () => {
    await expect(start({ tools: { maxCallsPerRound: 0 } })).rejects.toThrow(
      /aiAssistant\.tools\.maxCallsPerRound/,
    );
  });
});
