import azureAiModels from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-azure-ai';
import {
  type AzureOpenAiTestServer,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  ofType,
  RESTART,
  STATUS,
  toolResults,
  useActionToolsBackend,
} from '../__testUtils__/actionToolsBackend';
import { startChatBackend } from '../__testUtils__/chatBackend';
import {
  createTestActionsPlugin,
  TEST_ACTIONS_PLUGIN_ID,
  type TestActionRun,
} from '../__testUtils__/testActions';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

describe.each(databases.eachId())(
  'Actions as tools: denials, foreign decisions and caps, on %s',
  databaseId => {
    const { start, pauseAtRestart } = useActionToolsBackend(
      databases,
      databaseId,
    );

    it('never runs a denied action and tells the model the user denied it', async () => {
      const ctx = await start([
        { toolCalls: [{ name: RESTART, args: { service: 'payments' } }] },
        { tokens: ['I did not restart payments.'] },
      ]);
      const { approval, conversationId, messageId } = await pauseAtRestart(ctx);

      const decided = await ctx.backend.decide(conversationId, approval.id, {
        decision: 'deny',
      });

      expect(ofType(decided.events, 'tool')).toEqual([
        {
          name: 'Restart service',
          input: { service: 'payments' },
          status: 'failed',
          approval: 'denied',
        },
      ]);
      expect(decided.events.at(-1)).toMatchObject({
        type: 'done',
        data: { messageId },
      });
      expect(ctx.runs).toEqual([]);
      const [denial] = toolResults(ctx.call(1));
      expect(denial).toContain(
        'The user denied running the action Restart service (test-actions:restart-service)',
      );
      const stored = await ctx.backend.conversation(conversationId);
      expect(stored.body.messages[1]).toMatchObject({
        status: 'complete',
        content: 'I did not restart payments.',
        toolCalls: [{ status: 'failed', approval: 'denied' }],
      });
      const [audit] = await ctx.audits('action-approval');
      expect(audit.options).toMatchObject({
        severityLevel: 'medium',
        meta: {
          actionId: 'test-actions:restart-service',
          decision: 'denied',
          conversationId,
        },
      });
      expect(audit.event.success).toHaveBeenCalled();
      // Denied again, or approved after all: too late.
      const late = await ctx.backend.decide(conversationId, approval.id, {
        decision: 'approve',
      });
      expect(late.status).toBe(409);
      expect(ctx.runs).toEqual([]);
    });

    it("refuses decisions on other users' conversations, unknown approvals and bad bodies, and runs nothing", async () => {
      const ctx = await start([
        { toolCalls: [{ name: RESTART, args: { service: 'payments' } }] },
      ]);
      const { approval, conversationId } = await pauseAtRestart(ctx);

      const foreign = await ctx.backend.decide(
        conversationId,
        approval.id,
        { decision: 'approve' },
        { user: 'user:default/mallory' },
      );
      expect(foreign.status).toBe(404);
      const unknown = await ctx.backend.decide(
        conversationId,
        '00000000-0000-4000-8000-000000000000',
        { decision: 'approve' },
      );
      expect(unknown.status).toBe(404);
      const notAnId = await ctx.backend.decide(conversationId, 'nope', {
        decision: 'approve',
      });
      expect(notAnId.status).toBe(404);
      for (const body of [
        {},
        { decision: 'yes' },
        { decision: 'approve', x: 1 },
      ]) {
        const bad = await ctx.backend.decide(conversationId, approval.id, body);
        expect(bad.status).toBe(400);
        expect(bad.events[0].data.error.message).toContain(
          'Invalid approval decision',
        );
      }
      expect(ctx.runs).toEqual([]);
      const stillPending = await ctx.backend.conversation(conversationId);
      expect(stillPending.body.messages[1].pendingApproval).toEqual(approval);
    });

    it('counts action calls against the tool-call caps, also after an approval', async () => {
      const ctx = await start([
        {
          toolCalls: [
            { name: STATUS, args: { service: 'payments' } },
            { name: RESTART, args: { service: 'payments' } },
          ],
        },
        { toolCalls: [{ name: STATUS, args: { service: 'billing' } }] },
        { tokens: ['Done.'] },
      ]);
      const { approval, conversationId } = await pauseAtRestart(ctx);
      expect(ctx.runs.map(r => r.actionId)).toEqual([
        'test-actions:service-status',
      ]);

      const decided = await ctx.backend.decide(conversationId, approval.id, {
        decision: 'approve',
      });

      expect(decided.events.at(-1)!.type).toBe('done');
      // The status call before the pause and the approved restart used the answer's two calls.
      expect(ctx.runs.map(r => r.actionId)).toEqual([
        'test-actions:service-status',
        'test-actions:restart-service',
      ]);
      expect(toolResults(ctx.call(2)).at(-1)).toContain(
        'at most 2 tool calls per answer (aiAssistant.tools.maxCallsPerAnswer)',
      );
    });
  },
);

// The paused turn is stored and read back as LangChain messages: a real provider must get it in
// its own wire format when the answer continues.
describe(`Actions as tools with an Azure OpenAI model, on ${databases.ids[0]}`, () => {
  let azure: AzureOpenAiTestServer;
  beforeEach(async () => {
    azure = await startAzureOpenAiTestServer();
  });
  afterEach(() => azure.close());

  it('continues the model turn that called the action after a reload-proof pause', async () => {
    const runs: TestActionRun[] = [];
    const backend = await startChatBackend({
      models: null,
      features: [azureAiModels, createTestActionsPlugin(runs)],
      knex:
        databases.ids[0] === 'POSTGRES_15'
          ? await databases.init(databases.ids[0])
          : undefined,
      backendConfig: { actions: { pluginSources: [TEST_ACTIONS_PLUGIN_ID] } },
      config: {
        actions: { tools: ['test-actions:restart-service'] },
        models: {
          azureAi: {
            apiKey: 'approval-key',
            maxRetries: 0,
            models: [{ endpoint: azure.endpoint, modelName: 'gpt-4o' }],
          },
        },
      },
    });
    azure.scriptChat({
      toolCalls: [{ name: RESTART, arguments: { service: 'payments' } }],
    });
    azure.scriptChat({ text: 'Payments was restarted.' });
    const completions = () =>
      azure.requests.filter(r => r.path.endsWith('/chat/completions'));

    const { events } = await backend.chat({ message: 'Restart payments' });
    const [approval] = ofType(events, 'approval');
    const { conversationId } = events[0].data;
    const offered = completions()[0].body.tools.map(
      (t: any) => t.function.name,
    );
    expect(offered).toContain(RESTART);
    const restart = completions()[0].body.tools.find(
      (t: any) => t.function.name === RESTART,
    );
    expect(restart.function.parameters).toMatchObject({
      type: 'object',
      properties: { service: { type: 'string' } },
      required: ['service'],
    });

    const decided = await backend.decide(conversationId, approval.id, {
      decision: 'approve',
    });

    expect(decided.events.at(-1)!.type).toBe('done');
    expect(runs).toHaveLength(1);
    const continued = completions()[1].body.messages;
    const call = continued.find((m: any) => m.role === 'assistant');
    expect(call.tool_calls).toEqual([
      expect.objectContaining({
        type: 'function',
        function: expect.objectContaining({ name: RESTART }),
      }),
    ]);
    expect(continued.at(-1)).toEqual(
      expect.objectContaining({
        role: 'tool',
        tool_call_id: call.tool_calls[0].id,
        content: JSON.stringify({ restarted: 'payments' }),
      }),
    );
    const stored = await backend.conversation(conversationId);
    expect(stored.body.messages[1]).toMatchObject({
      status: 'complete',
      content: 'Payments was restarted.',
    });
    // A paused first answer keeps its first-words title: no title request to wait for.
    expect(completions()).toHaveLength(2);
    await backend.stop();
  });
});
