import { mockServices } from '@backstage/backend-test-utils';
import type { AiAssistantModel } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { BaseMessage } from '@langchain/core/messages';
import { type ReceivedEvent, startChatBackend } from './chatBackend';
import type {
  KnowledgeDatabaseId,
  knowledgeTestDatabases,
} from './knowledgeDatabases';
import {
  isTitleRequest,
  type ScriptedReply,
  ScriptedChatModel,
  scriptedModel,
} from './ScriptedChatModel';
import {
  createTestActionsPlugin,
  TEST_ACTIONS_PLUGIN_ID,
  type TestActionRun,
} from './testActions';

/** Model-facing tool names of the test actions. */
export const STATUS = 'test-actions__service-status';
/** Not read-only: runs only after the user approves. */
export const RESTART = 'test-actions__restart-service';
/** Not on the allow-list, so never offered. */
export const SCALE = 'test-actions__scale-service';

/** The text of the tool results the model got in one call. */
export const toolResults = (messages: BaseMessage[]) =>
  messages.filter(m => m.getType() === 'tool').map(m => String(m.content));

/** The data of the events of one type, in order. */
export const ofType = (events: ReceivedEvent[], type: string) =>
  events.filter(e => e.type === type).map(e => e.data);

/**
 * A backend offering the test actions (status read-only, restart needing approval) as tools,
 * for the tests of one file on one database. Call inside a `describe`: it starts the backend
 * before them and stops it after. `start` gives each test its own scripted replies, action runs
 * and audit events.
 */
export function useActionToolsBackend(
  databases: ReturnType<typeof knowledgeTestDatabases>,
  databaseId: KnowledgeDatabaseId,
) {
  // One backend for the tests on a database (startup dominates on a busy machine); each test
  // gets its own scripted model, action runs and audit events.
  const models: AiAssistantModel[] = [];
  const runs: TestActionRun[] = [];
  const auditor = mockServices.auditor.mock();
  let backend: Awaited<ReturnType<typeof startChatBackend>>;

  beforeAll(async () => {
    backend = await startChatBackend({
      models,
      knex:
        databaseId === 'POSTGRES_15'
          ? await databases.init(databaseId)
          : undefined,
      backendConfig: { actions: { pluginSources: [TEST_ACTIONS_PLUGIN_ID] } },
      config: {
        actions: {
          tools: [
            'test-actions:service-status',
            'test-actions:restart-service',
          ],
        },
        // Low for the caps test; no other test makes more than one call.
        tools: { maxCallsPerAnswer: 2 },
      },
      features: [createTestActionsPlugin(runs), auditor.factory],
    });
  });
  afterAll(() => backend?.stop());

  const start = async (replies: ScriptedReply[]) => {
    const answers = [...replies];
    const model = new ScriptedChatModel(messages =>
      isTitleRequest(messages)
        ? { tokens: ['Service status'] }
        : (answers.shift() ?? { tokens: ['(no more replies)'] }),
    );
    models.splice(0, models.length, scriptedModel('scripted', model));
    runs.length = 0;
    auditor.createEvent.mockClear();
    const audits = async (eventId: string) => {
      const calls = auditor.createEvent.mock.calls.map(([options]) => options);
      const events = await Promise.all(
        auditor.createEvent.mock.results.map(result => result.value),
      );
      return calls.flatMap((options, index) =>
        options.eventId === eventId ? [{ options, event: events[index] }] : [],
      );
    };
    /** The messages of the model's `n`th answering call (title requests left out). */
    const call = (n: number) =>
      model.calls.filter(messages => !isTitleRequest(messages))[n];
    return { backend, model, call, runs, audits };
  };

  /** Asks a question whose answer pauses at the restart action. */
  const pauseAtRestart = async (ctx: Awaited<ReturnType<typeof start>>) => {
    const { events } = await ctx.backend.chat({
      message: 'Restart payments please',
    });
    const [approval] = ofType(events, 'approval');
    const { conversationId, messageId } = events[0].data;
    return { events, approval, conversationId, messageId };
  };

  return { start, pauseAtRestart };
}
