import type {
  ChatApprovalRequest,
  ChatMessage,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { BASE_URL, TestApis } from '../../__testUtils__/apis';
import {
  ChatExchange,
  DecisionExchange,
  errorResponse,
  FakeBackend,
  setupFakeBackend,
} from '../../__testUtils__/fakeBackend';
import { ChatPage } from './ChatPage';

// An answer that pauses for the user's approval of an action that changes something: the card
// with the exact arguments, approving or denying it, the answer continuing in the same message,
// and the pending card after a reload.

const server = setupFakeBackend();
let backend: FakeBackend;
let user: ReturnType<typeof userEvent.setup>;

beforeEach(() => {
  backend = new FakeBackend();
  server.use(...backend.handlers);
  user = userEvent.setup();
});

const REQUEST: ChatApprovalRequest = {
  id: 'a1',
  actionId: 'e2e:create-ticket',
  title: 'Create ticket',
  description: 'Opens a ticket in the team tracker.',
  input: {
    team: 'team-payments',
    summary: 'Rotate the "payments" DB password',
    labels: ['security', 'urgent'],
    priority: 2,
  },
  attributes: { readOnly: false, destructive: true, idempotent: false },
};
const ARGUMENTS = JSON.stringify(REQUEST.input, null, 2);
const TOOL = 'e2e_create-ticket';

const composer = () =>
  screen.getByRole('textbox', { name: 'Message to the AI assistant' });
const answers = () =>
  screen.queryAllByRole('article', { name: "Assistant's answer" });
const card = () =>
  screen.getByRole('region', { name: 'Approve action: Create ticket' });
const approveButton = () =>
  within(card()).getByRole('button', { name: 'Approve and run' });
const denyButton = () => within(card()).getByRole('button', { name: 'Deny' });

async function renderChat(routeEntries?: string[]) {
  await renderInTestApp(
    <TestApis>
      <ChatPage />
    </TestApis>,
    routeEntries ? { routeEntries } : undefined,
  );
}

/** Asks, and lets the answer pause for the approval of {@link REQUEST}. */
async function askUntilPaused(): Promise<ChatExchange> {
  const next = backend.nextChat();
  await user.type(composer(), 'Open a ticket to rotate the password{Enter}');
  const exchange = await next;
  const { stream } = exchange;
  stream.pushEvent({
    type: 'conversation',
    data: { conversationId: 'c1', messageId: 'm1' },
  });
  stream.pushEvent({ type: 'approval', data: REQUEST });
  stream.pushEvent({
    type: 'done',
    data: { messageId: 'm1', status: 'awaiting_approval' },
  });
  stream.close();
  await screen.findByRole('region', { name: 'Approve action: Create ticket' });
  // The buttons work once the answer has paused.
  await waitFor(() => expect(approveButton()).toBeEnabled());
  return exchange;
}

/** The rest of the answer after the decision, as the backend streams it. */
function continueWith(
  { stream }: DecisionExchange,
  approval: 'approved' | 'denied',
  text: string,
) {
  stream.pushEvent({
    type: 'tool',
    data: {
      name: TOOL,
      input: REQUEST.input,
      status: approval === 'approved' ? 'succeeded' : 'failed',
      approval,
    },
  });
  stream.pushEvent({ type: 'delta', data: { text } });
  stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
  stream.close();
}

describe('ChatPage action approval', () => {
  it('shows the action, its id, description, that it is destructive and its exact arguments, and runs nothing until the user decides', async () => {
    await renderChat();
    await askUntilPaused();

    expect(card()).toHaveTextContent('e2e:create-ticket');
    expect(card()).toHaveTextContent('Opens a ticket in the team tracker.');
    expect(card()).toHaveTextContent('Destructive');
    // Whole and indented, not a one-line summary.
    expect(within(card()).getByLabelText('Arguments').textContent).toBe(
      ARGUMENTS,
    );
    expect(approveButton()).toBeEnabled();
    expect(denyButton()).toBeEnabled();
    // The answer is paused, not finished: nothing to regenerate, and no decision was sent.
    expect(
      screen.queryByRole('button', { name: 'Regenerate' }),
    ).not.toBeInTheDocument();
    expect(answers()[0]).toHaveAttribute('aria-busy', 'false');
    expect(backend.decisions).toEqual([]);
  });

  it('approving sends the decision and streams the rest of the answer into the same message', async () => {
    await renderChat();
    await askUntilPaused();

    const next = backend.nextDecision();
    await user.click(approveButton());
    const decision = await next;
    expect(decision).toMatchObject({
      conversationId: 'c1',
      approvalId: 'a1',
      request: { decision: 'approve' },
    });
    // Until the server answers, the decision cannot be sent twice.
    expect(approveButton()).toBeDisabled();
    expect(denyButton()).toBeDisabled();
    expect(card()).toHaveTextContent('Sending your decision…');

    continueWith(decision, 'approved', 'Ticket PAY-42 is open.');
    await waitFor(() =>
      expect(answers()[0]).toHaveTextContent('Ticket PAY-42 is open.'),
    );
    expect(answers()).toHaveLength(1);
    expect(within(card()).getByRole('status')).toHaveTextContent(
      'You approved this action.',
    );
    expect(
      within(card()).queryByRole('button', { name: 'Approve and run' }),
    ).not.toBeInTheDocument();
    expect(
      within(answers()[0]).getByLabelText(`Tool ${TOOL} done, approved by you`),
    ).toBeInTheDocument();
    expect(backend.decisions).toHaveLength(1);
    // Finished: it can be rated like any answer.
    await within(answers()[0]).findByRole('button', { name: 'Regenerate' });
  });

  it('denying from the keyboard sends the denial and shows the answer the model gives without the action', async () => {
    await renderChat();
    await askUntilPaused();

    const next = backend.nextDecision();
    act(() => approveButton().focus());
    await user.tab();
    expect(denyButton()).toHaveFocus();
    await user.keyboard('{Enter}');
    const decision = await next;
    expect(decision.request).toEqual({ decision: 'deny' });

    continueWith(decision, 'denied', 'Understood, I did not open a ticket.');
    await waitFor(() =>
      expect(answers()[0]).toHaveTextContent('I did not open a ticket.'),
    );
    expect(within(card()).getByRole('status')).toHaveTextContent(
      'You denied this action: it did not run',
    );
    const chip = within(answers()[0]).getByLabelText(
      `Tool ${TOOL} denied by you`,
    );
    expect(chip).toHaveTextContent('(denied)');
  });

  it('stops the continuation with Stop, keeping what streamed', async () => {
    await renderChat();
    await askUntilPaused();
    const next = backend.nextDecision();
    await user.click(approveButton());
    const decision = await next;
    decision.stream.pushEvent({ type: 'delta', data: { text: 'Opening' } });
    await waitFor(() => expect(answers()[0]).toHaveTextContent('Opening'));

    await user.click(screen.getByRole('button', { name: 'Stop generating' }));
    expect(
      await screen.findByText('Stopped: the answer is incomplete.'),
    ).toBeInTheDocument();
    expect(decision.signal.aborted).toBe(true);
    expect(answers()[0]).toHaveTextContent('Opening');
  });

  it('keeps the action pending and says why when the decision is refused', async () => {
    server.use(
      http.post(`${BASE_URL}/conversations/:id/approvals/:approvalId`, () =>
        errorResponse(
          409,
          'ConflictError',
          'This action was already decided in another tab',
        ),
      ),
    );
    await renderChat();
    await askUntilPaused();

    await user.click(approveButton());
    expect(await within(card()).findByRole('alert')).toHaveTextContent(
      'already decided in another tab (HTTP 409)',
    );
    expect(approveButton()).toBeEnabled();
    expect(denyButton()).toBeEnabled();
  });

  it('shows the pending action again after a reload, and the decision continues that answer', async () => {
    const now = new Date().toISOString();
    const common = { sources: [], toolCalls: [], createdAt: now };
    const messages: ChatMessage[] = [
      {
        ...common,
        id: 'm0',
        role: 'user',
        content: 'Open a ticket to rotate the password',
        status: 'complete',
      },
      {
        ...common,
        id: 'm1',
        role: 'assistant',
        content: '',
        status: 'awaiting_approval',
        pendingApproval: REQUEST,
      },
    ];
    backend.conversations.push({
      id: 'c1',
      title: 'Rotate the password',
      createdAt: now,
      updatedAt: now,
      messages,
    });
    await renderChat(['/?conversation=c1']);

    await screen.findByRole('region', {
      name: 'Approve action: Create ticket',
    });
    expect(within(card()).getByLabelText('Arguments').textContent).toBe(
      ARGUMENTS,
    );
    const next = backend.nextDecision();
    await user.click(approveButton());
    const decision = await next;
    expect(decision).toMatchObject({ conversationId: 'c1', approvalId: 'a1' });
    continueWith(decision, 'approved', 'Ticket PAY-42 is open.');
    await waitFor(() =>
      expect(answers()[0]).toHaveTextContent('Ticket PAY-42 is open.'),
    );
    expect(answers()).toHaveLength(1);
  });
});
