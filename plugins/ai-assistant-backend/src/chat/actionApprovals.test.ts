import {
  ofType,
  RESTART,
  SCALE,
  STATUS,
  toolResults,
  useActionToolsBackend,
} from '../__testUtils__/actionToolsBackend';
import { waitForTitle } from '../__testUtils__/chatBackend';
import { knowledgeTestDatabases } from '../__testUtils__/knowledgeDatabases';

jest.setTimeout(120_000);

const databases = knowledgeTestDatabases();

describe.each(databases.eachId())(
  'Actions as tools: offering and approving, on %s',
  databaseId => {
    const { start, pauseAtRestart } = useActionToolsBackend(
      databases,
      databaseId,
    );

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
      expect(meanwhile.events[0].data.error.message).toContain(
        'Restart service',
      );

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
  },
);
