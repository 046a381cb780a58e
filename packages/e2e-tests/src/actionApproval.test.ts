import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
  type RecordedRequestBase,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import {
  answersOf,
  composerOf,
  screenshotDir,
  startStack,
  stepRunner,
  stopStack,
  textOf,
  type E2eStack,
} from './harness/session';
import { expectNoSeriousViolations } from './harness/axe';
import { waitFor } from './harness/waitFor';

// Approval of an action that changes something, in a real browser against the dev app and
// backend: the model (the loopback stub) calls a destructive test action of the Actions
// Registry (packages/backend/src/e2eTestActions.ts), the page shows it with its exact arguments,
// and only an approval runs it, once, with those arguments, as the recorder the action posts
// to sees. A denial never runs it. Both decisions are in the audit log.

const ACTION_ID = 'e2e-test-actions:create-ticket';
// The tool name the backend gives the action: providers allow no `:` in tool names.
const TOOL_NAME = 'e2e-test-actions__create-ticket';
const APPROVED_ARGS = {
  team: 'team-payments',
  summary: 'Rotate the payments database password',
  priority: 2,
};
const DENIED_ARGS = {
  team: 'team-platform',
  summary: 'Delete the staging cluster',
  priority: 1,
};
const TICKET_ID = 'TICKET-1';

jest.setTimeout(90_000);

let stack: E2eStack;
let recorder: LoopbackServer<RecordedRequestBase>;
let page: Page;

beforeAll(async () => {
  // Where the test action posts its input: each request is one run of the action.
  recorder = await startLoopbackServer<RecordedRequestBase>({
    record: base => base,
    fail: (res, status) =>
      sendJson(res, { error: 'failing on purpose' }, status),
    handle: (_req, res) =>
      sendJson(res, { ticketId: `TICKET-${recorder.requests.length}` }),
  });
  stack = await startStack({
    aiAssistant: { actions: { tools: [ACTION_ID] } },
    config: {
      // Test only: turns on the test action (see packages/backend/src/e2eTestActions.ts).
      aiAssistantDev: {
        testActions: { recorderUrl: `${recorder.origin}/runs` },
      },
      backend: {
        actions: { pluginSources: ['ai-assistant', 'e2e-test-actions'] },
      },
    },
  });
  // bypassCSP lets axe-core in (see harness/axe.ts); the app itself is unchanged.
  const context = await stack.browser.newContext({
    viewport: { width: 1440, height: 900 },
    bypassCSP: true,
  });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
}, 180_000);

afterAll(async () => {
  await stopStack(stack ?? {});
  await recorder?.close();
});

const journey = stepRunner('approval-', () => ({
  page,
  backend: stack?.backend,
}));

const screenshot = (name: string) =>
  page.screenshot({ path: join(screenshotDir, `${name}.png`) });

const card = (): Locator =>
  page.getByRole('region', { name: 'Approve action: Create ticket' });

/** The model's requests that carry the result of the action's call (the continuation). */
function toolResultsSent(): string[] {
  return stack.ollama.requests
    .filter(r => r.path === '/api/chat')
    .map(r => r.body?.messages?.at(-1))
    .filter(m => m?.role === 'tool')
    .map(m => String(m.content));
}

/** Asks a question the model answers by calling the test action with `args`. */
async function askForTicket(
  question: string,
  args: Record<string, unknown>,
  answer: string,
) {
  stack.ollama.scriptChat({
    toolCalls: [{ name: TOOL_NAME, arguments: args }],
  });
  stack.ollama.scriptChat({ text: answer });
  await composerOf(page).fill(question);
  await composerOf(page).press('Enter');
  await card().waitFor();
}

/**
 * The action approval audit events the backend logged. The dev backend logs as text, each
 * field as `key=<JSON>`: `… eventId="action-approval" … meta={…} status="succeeded"`.
 */
function approvalAuditEvents(): Array<{
  status?: string;
  actorId?: string;
  meta: Record<string, string>;
}> {
  const field = (line: string, key: string) =>
    line.match(new RegExp(` ${key}=("[^"]*"|\\{[^{}]*\\})`))?.[1];
  return stack.backend
    .logLines()
    .filter(
      line =>
        line.includes('isAuditEvent=true') &&
        line.includes('eventId="action-approval"'),
    )
    .map(line => ({
      status: JSON.parse(field(line, 'status') ?? 'null') ?? undefined,
      actorId: line.match(/"actorId":"([^"]+)"/)?.[1],
      meta: JSON.parse(field(line, 'meta') ?? '{}'),
    }));
}

describe('approving or denying an action the assistant wants to run', () => {
  it('shows the action with its exact arguments, and approving runs it once with them while the answer continues', () =>
    journey('approve', async () => {
      await page.goto(`${stack.backend.baseUrl}/ai-assistant`);
      // The dev app signs in with the backend's guest provider.
      await page.getByRole('button', { name: 'Enter' }).click();

      await askForTicket(
        'Open a ticket to rotate the payments database password',
        APPROVED_ARGS,
        `Done: ticket ${TICKET_ID} is open for team-payments.`,
      );
      expect(await textOf(card().getByLabel('Arguments'))).toBe(
        JSON.stringify(APPROVED_ARGS, null, 2),
      );
      const shown = await textOf(card());
      expect(shown).toContain(ACTION_ID);
      expect(shown).toContain('Destructive');
      await card().scrollIntoViewIfNeeded();
      // No tooltip of whatever the pointer was last over in the picture.
      await page.mouse.move(0, 0);
      await screenshot('approval-card');
      await expectNoSeriousViolations(page);
      // Nothing runs before the user decides.
      expect(recorder.requests).toHaveLength(0);

      await card().getByRole('button', { name: 'Approve and run' }).click();
      const answer = answersOf(page).last();
      await waitFor('the answer after the approval', async () =>
        (await answer.innerText()).includes(`ticket ${TICKET_ID} is open`)
          ? true
          : undefined,
      );
      // Ran exactly once, with exactly the arguments the page showed.
      expect(recorder.requests).toHaveLength(1);
      expect(recorder.requests[0].body).toEqual(APPROVED_ARGS);
      // The model got the action's output to answer from.
      expect(toolResultsSent().some(r => r.includes(TICKET_ID))).toBe(true);
      // One answer, continued in place, saying what was decided.
      await expect(answersOf(page).count()).resolves.toBe(1);
      expect(await textOf(card().getByRole('status'))).toBe(
        'You approved this action.',
      );
      await answer
        .getByLabel('Tool Create ticket done, approved by you')
        .waitFor();
      await screenshot('approval-approved');
    }));

  it('shows the pending action again after a reload, and never runs it when the user denies it; the model is told', () =>
    journey('deny', async () => {
      await page.getByRole('button', { name: 'New conversation' }).click();
      await askForTicket(
        'Delete the staging cluster',
        DENIED_ARGS,
        'Understood: I did not delete the staging cluster.',
      );
      // The pending action is part of the conversation: a reload shows it again.
      await page.reload();
      await card().waitFor();
      expect(await textOf(card().getByLabel('Arguments'))).toBe(
        JSON.stringify(DENIED_ARGS, null, 2),
      );

      await card().getByRole('button', { name: 'Deny' }).click();
      const answer = answersOf(page).last();
      await waitFor('the answer after the denial', async () =>
        (await answer.innerText()).includes('I did not delete')
          ? true
          : undefined,
      );
      expect(await textOf(card().getByRole('status'))).toContain(
        'You denied this action',
      );
      await answer.getByLabel('Tool Create ticket denied by you').waitFor();
      // Only the approved run of the first conversation reached the recorder.
      expect(recorder.requests).toHaveLength(1);
      expect(toolResultsSent().some(r => /denied/i.test(r))).toBe(true);
      await screenshot('approval-denied');
    }));

  it('puts both decisions in the audit log', () =>
    journey('audit', async () => {
      const events = await waitFor('both approval audit events', async () => {
        const succeeded = approvalAuditEvents().filter(
          e => e.status === 'succeeded',
        );
        return succeeded.length >= 2 ? succeeded : undefined;
      });
      expect(
        events.map(e => ({
          actorId: e.actorId,
          actionId: e.meta.actionId,
          decision: e.meta.decision,
        })),
      ).toEqual([
        {
          actorId: 'user:development/guest',
          actionId: ACTION_ID,
          decision: 'approved',
        },
        {
          actorId: 'user:development/guest',
          actionId: ACTION_ID,
          decision: 'denied',
        },
      ]);
      // One conversation each.
      expect(events[0].meta.conversationId).not.toBe(
        events[1].meta.conversationId,
      );
    }));
});
