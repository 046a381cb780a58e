import { mockServices } from '@backstage/backend-test-utils';
import { ProviderError } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { captureConsole } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { startChatBackend } from '../__testUtils__/chatBackend';
import { doc } from '../__testUtils__/fakes';
import {
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

// What a provider failure knows and no user should see: where the model runs and what the
// provider (or a gateway in front of it) answered.
const endpoint = 'http://llm-gateway.corp.example:11434/api/chat';
const upstreamBody =
  'upstream gateway pod-7f9c answered: x-internal-trace abc123';

function providerFailure(status: number) {
  return new ProviderError({
    provider: 'ollama',
    model: 'llama3.1',
    url: endpoint,
    status,
    cause: new Error(upstreamBody),
  });
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe.each(databases.eachId())(
  'Provider internals reach users on %s',
  databaseId => {
    const logs = captureConsole();

    async function start(model: ScriptedChatModel) {
      return startChatBackend({
        models: [scriptedModel('ollama/llama3.1', model)],
        documents: [doc('argo', 'Deployments use Argo CD.')],
        knex:
          databaseId === 'POSTGRES_15'
            ? await databases.init(databaseId)
            : undefined,
        // Unredacted, so the test sees exactly what the plugin logs.
        features: [mockServices.rootLogger.factory({ level: 'debug' })],
      });
    }

    /** The error event, checked to carry no provider internals and an id the logs carry. */
    async function expectSafeError(
      backend: Awaited<ReturnType<typeof start>>,
      events: Array<{ type: string; data: any }>,
    ) {
      const error = events.at(-1)!;
      expect(error.type).toBe('error');
      const { message, errorId } = error.data;
      for (const internal of [
        'llm-gateway',
        'corp.example',
        'pod-7f9c',
        'x-internal-trace',
        'HTTP 5',
      ]) {
        expect(message).not.toContain(internal);
      }
      expect(errorId).toMatch(new RegExp(`^${UUID}$`));
      expect(message).toContain(
        `If it persists, give your administrator this id: ${errorId}`,
      );

      // The history shows what the user saw, nothing more.
      const stored = await backend.conversation(events[0].data.conversationId);
      expect(stored.body.messages.at(-1)).toMatchObject({
        role: 'assistant',
        status: 'error',
        error: message,
      });
      expect(JSON.stringify(stored.body)).not.toContain('llm-gateway');

      // Admins find the whole story in the logs under the id.
      const logged = logs().filter(line => line.includes(errorId));
      expect(logged.join('\n')).toContain(endpoint);
      expect(logged.join('\n')).toContain(upstreamBody);
      return message as string;
    }

    it('tells the user the model service is unavailable, with an id for the administrator, when no model answers', async () => {
      const backend = await start(
        new ScriptedChatModel(() => ({
          failBeforeFirstToken: providerFailure(502),
        })),
      );
      try {
        const { events } = await backend.chat({ message: 'How to deploy?' });
        expect(events.at(-1)!.data.code).toBe('models_unavailable');
        expect(await expectSafeError(backend, events)).toMatch(
          /^The model service is unavailable right now; try again in a minute\./,
        );
      } finally {
        await backend.stop();
      }
    });

    it('tells the user the model stopped, with an id for the administrator, when it fails midway', async () => {
      const backend = await start(
        new ScriptedChatModel(() => ({
          tokens: ['Deployments ', 'use '],
          failAfterTokens: providerFailure(500),
        })),
      );
      try {
        const { events } = await backend.chat({ message: 'How to deploy?' });
        expect(events.at(-1)!.data.code).toBe('model_error');
        expect(await expectSafeError(backend, events)).toMatch(
          /^The model service stopped while answering; try again\./,
        );
      } finally {
        await backend.stop();
      }
    });
  },
);
