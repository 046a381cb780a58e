import { mockServices } from '@backstage/backend-test-utils';
import type { AiAssistantModel } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { BaseMessage } from '@langchain/core/messages';
import azureAiModels from '@ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-azure-ai';
import {
  type AzureOpenAiTestServer,
  startAzureOpenAiTestServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  type ReceivedEvent,
  startChatBackend,
  waitForTitle,
} from '../__testUtils__/chatBackend';
import {
  isTitleRequest,
  type ScriptedReply,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';
import {
  createTestActionsPlugin,
  TEST_ACTIONS_PLUGIN_ID,
  type TestActionRun,
} from '../__testUtils__/testActions';
import { toolNameFor } from './tools/actionTools';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

const STATUS = 'test-actions__service-status';
const RESTART = 'test-actions__restart-service';
const SCALE = 'test-actions__scale-service';

/** The text of the tool results the model got in one call. */
const toolResults = (messages: BaseMessage[]) =>
  messages.filter(m => m.getType() === 'tool').map(m => String(m.content));

const ofType = (events: ReceivedEvent[], type: string) =>
  events.filter(e => e.type === type).map(e => e.data);

describe.each(databases.eachId())('Actions as tools, on %s', databaseId => {
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

  it('offers only allow-listed actions, and runs a read-only one directly as the asking user, showing each call', async () => {
    const ctx = await start([
      { toolCalls: [{ name: STATUS, args: { service: 'payments' } }] },
      { tokens: ['Payments ', 'is running.'] },
    ]);
    const { events } = await ctx.backend.chat({
      message: 'Is payments running?',
    });

    expect(events.at(-1)).toMatchObject({
      type: 'done',
      data: { messageId: expect.any(String) },
    });
    expect(events.at(-1)!.data.status).not.toBe('awaiting_approval');
    expect(ofType(events, 'approval')).toEqual([]);
    expect(ctx.model.toolsOffered[0]).toEqual(
      expect.arrayContaining([STATUS, RESTART]),
    );
    // scale-service is registered but not on the allow-list.
    expect(ctx.model.toolsOffered[0]).not.toContain(SCALE);
    expect(ofType(events, 'tool')).toEqual([
      {
        name: 'Service status',
        input: { service: 'payments' },
        status: 'started',
      },
      {
        name: 'Service status',
        input: { service: 'payments' },
        status: 'succeeded',
      },
    ]);
    expect(ctx.runs).toEqual([
      {
        actionId: 'test-actions:service-status',
        input: { service: 'payments' },
        caller: 'user:default/a',
      },
    ]);
    expect(toolResults(ctx.call(1))).toEqual([
      JSON.stringify({ status: 'payments is running' }),
    ]);
    const invocations = await ctx.audits('tool-invocation');
    expect(invocations.map(i => i.options.meta?.tool)).toEqual([
      'test-actions:service-status',
    ]);
    // The answer completed a new conversation: let its title request finish.
    await waitForTitle(ctx.backend, 'Service status');
  });

  it('pauses at an action that is not read-only, keeps the pending call across a reload, and runs it once with exactly those arguments after approval', async () => {
    const ctx = await start([
      {
        tokens: ['Restarting. '],
        toolCalls: [
          {
            name: RESTART,
            args: { service: 'payments', reason: 'stuck queue' },
          },
        ],
      },
      { tokens: ['Payments ', 'was restarted.'] },
    ]);
    const { events, approval, conversationId, messageId } =
      await pauseAtRestart(ctx);

    expect(events.map(e => e.type).slice(-2)).toEqual(['approval', 'done']);
    expect(approval).toEqual({
      id: expect.any(String),
      actionId: 'test-actions:restart-service',
      title: 'Restart service',
      description: 'Restarts a service.',
      input: { service: 'payments', reason: 'stuck queue' },
      attributes: { readOnly: false, destructive: true, idempotent: false },
    });
    expect(events.at(-1)!.data).toMatchObject({
      messageId,
      status: 'awaiting_approval',
    });
    expect(ctx.runs).toEqual([]);

    // A reload shows the paused answer with its pending call.
    const reloaded = await ctx.backend.conversation(conversationId);
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.messages[1]).toMatchObject({
      id: messageId,
      status: 'awaiting_approval',
      content: 'Restarting. ',
      pendingApproval: approval,
    });

    // Nothing else can be asked in between.
    const meanwhile = await ctx.backend.chat({
      message: 'And what about billing?',
      conversationId,
    });
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.events[0].data.error.message).toContain('Restart service');

    const decided = await ctx.backend.decide(conversationId, approval.id, {
      decision: 'approve',
    });
    expect(decided.status).toBe(200);
    expect(decided.events.map(e => e.type)).not.toContain('conversation');
    expect(ofType(decided.events, 'tool')).toEqual([
      {
        name: 'Restart service',
        input: { service: 'payments', reason: 'stuck queue' },
        status: 'started',
        approval: 'approved',
      },
      {
        name: 'Restart service',
        input: { service: 'payments', reason: 'stuck queue' },
        status: 'succeeded',
        approval: 'approved',
      },
    ]);
    expect(
      ofType(decided.events, 'delta')
        .map(d => d.text)
        .join(''),
    ).toBe('Payments was restarted.');
    expect(decided.events.at(-1)).toMatchObject({
      type: 'done',
      data: { messageId },
    });
    expect(ctx.runs).toEqual([
      {
        actionId: 'test-actions:restart-service',
        input: { service: 'payments', reason: 'stuck queue' },
        caller: 'user:default/a',
      },
    ]);
    // The model continued from where it paused, with the action's output.
    expect(toolResults(ctx.call(1))).toEqual([
      JSON.stringify({ restarted: 'payments' }),
    ]);

    const after = await ctx.backend.conversation(conversationId);
    expect(after.body.messages).toHaveLength(2);
    expect(after.body.messages[1]).toMatchObject({
      id: messageId,
      status: 'complete',
      content: 'Restarting. Payments was restarted.',
      toolCalls: [
        {
          name: 'Restart service',
          status: 'succeeded',
          approval: 'approved',
        },
      ],
    });
    expect(after.body.messages[1].pendingApproval).toBeUndefined();

    // A second decision is refused and runs nothing.
    const again = await ctx.backend.decide(conversationId, approval.id, {
      decision: 'approve',
    });
    expect(again.status).toBe(409);
    expect(ctx.runs).toHaveLength(1);

    const approvals = await ctx.audits('action-approval');
    expect(approvals.map(a => a.options.meta)).toEqual([
      {
        actionId: 'test-actions:restart-service',
        decision: 'approved',
        conversationId,
        approvalId: approval.id,
      },
      {
        actionId: 'test-actions:restart-service',
        decision: 'approved',
        conversationId,
        approvalId: approval.id,
      },
    ]);
    expect(approvals[0].event.success).toHaveBeenCalled();
    expect(approvals[1].event.fail).toHaveBeenCalled();
  });

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
});

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

describe('aiAssistant.actions.tools', () => {
  it('refuses an entry that is not an action id at startup, naming the key', async () => {
    await expect(
      startChatBackend({
        models: null,
        config: { actions: { tools: ['restart-service'] } },
      }),
    ).rejects.toThrow(
      /aiAssistant\.actions\.tools: expected Actions Registry action ids .* got 'restart-service'/,
    );
  });
});

describe('toolNameFor', () => {
  it('makes action ids model-safe and unique', () => {
    const taken = new Set(['catalog__get-entity']);
    expect(toolNameFor('catalog:register-entity', taken)).toBe(
      'catalog__register-entity',
    );
    expect(toolNameFor('catalog:get-entity', taken)).toBe(
      'catalog__get-entity_2',
    );
    expect(toolNameFor(`plugin:${'x'.repeat(100)}.v2`, new Set())).toMatch(
      /^[A-Za-z0-9_-]{64}$/,
    );
  });
});
