import { mockBreakpoint } from '@backstage/core-components/testUtils';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApis } from '../../__testUtils__/apis';
import {
  ChatExchange,
  FakeBackend,
  setupFakeBackend,
  type StoredConversation,
} from '../../__testUtils__/fakeBackend';
import { ChatPage } from './ChatPage';

const server = setupFakeBackend();
let backend: FakeBackend;

function stored(id: string, title: string): StoredConversation {
  const at = '2026-11-01T10:00:00.000Z';
  return {
    id,
    title,
    createdAt: at,
    updatedAt: at,
    messages: [
      {
        id: `${id}-q`,
        role: 'user',
        content: `Question of ${title}`,
        status: 'complete',
        sources: [],
        toolCalls: [],
        createdAt: at,
      },
      {
        id: `${id}-a`,
        role: 'assistant',
        content: `Answer of ${title}`,
        status: 'complete',
        sources: [],
        toolCalls: [],
        createdAt: at,
      },
    ],
  };
}

beforeEach(() => {
  // A wide screen unless a test says otherwise.
  mockBreakpoint({ matches: false });
  backend = new FakeBackend();
  backend.conversations = [stored('c1', 'Deploying payments')];
  server.use(...backend.handlers);
});

async function renderChat() {
  await renderInTestApp(
    <TestApis>
      <ChatPage />
    </TestApis>,
  );
}

const composer = () =>
  screen.getByRole('textbox', { name: 'Message to the AI assistant' });

/** Starts an answer that streams until the test stops it. */
async function startStreaming(): Promise<ChatExchange> {
  const next = backend.nextChat();
  await userEvent.type(composer(), 'Explain everything{Enter}');
  const exchange = await next;
  exchange.stream.pushEvent({
    type: 'conversation',
    data: { conversationId: 'c2', messageId: 'm1' },
  });
  exchange.stream.pushEvent({
    type: 'delta',
    data: { text: 'The first part' },
  });
  await screen.findByText('The first part');
  return exchange;
}

describe('ChatPage with the keyboard', () => {
  it('puts the focus in the composer when the page loads', async () => {
    await renderChat();
    await waitFor(() => expect(composer()).toHaveFocus());
  });

  it('gives the focus back to the composer after send, stop and a new conversation', async () => {
    await renderChat();
    const next = backend.nextChat();
    await userEvent.type(composer(), 'Explain everything');
    await userEvent.click(screen.getByRole('button', { name: 'Send message' }));
    const { stream } = await next;
    await waitFor(() => expect(composer()).toHaveFocus());

    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c2', messageId: 'm1' },
    });
    stream.pushEvent({ type: 'delta', data: { text: 'The first part' } });
    await screen.findByText('The first part');
    await userEvent.click(
      screen.getByRole('button', { name: 'Stop generating' }),
    );
    await screen.findByText('Stopped: the answer is incomplete.');
    await waitFor(() => expect(composer()).toHaveFocus());

    await userEvent.click(
      screen.getByRole('button', { name: 'New conversation' }),
    );
    await waitFor(() =>
      expect(screen.queryByText('The first part')).not.toBeInTheDocument(),
    );
    expect(composer()).toHaveFocus();
  });

  it('puts the focus in the composer once a selected conversation has loaded', async () => {
    await renderChat();
    await userEvent.click(await screen.findByText('Deploying payments'));
    await screen.findByText('Answer of Deploying payments');
    await waitFor(() => expect(composer()).toHaveFocus());
  });

  it('stops a streaming answer on Escape, wherever the focus is on the page', async () => {
    await renderChat();
    const { signal } = await startStreaming();
    // Away from the composer: on the search field of the history.
    await userEvent.click(
      screen.getByRole('searchbox', { name: 'Search conversations' }),
    );
    await userEvent.keyboard('{Escape}');
    await screen.findByText('Stopped: the answer is incomplete.');
    expect(signal.aborted).toBe(true);
    await waitFor(() => expect(composer()).toHaveFocus());
  });

  it('leaves the answer streaming when Escape closes a dialog', async () => {
    await renderChat();
    const { signal } = await startStreaming();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Delete conversation Deploying payments',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(signal.aborted).toBe(false);
    expect(
      screen.getByRole('button', { name: 'Stop generating' }),
    ).toBeInTheDocument();
  });
});

describe('ChatPage on a phone', () => {
  beforeEach(() => mockBreakpoint({ matches: true }));

  it('keeps the history in a drawer that closes on a selection, then on Escape', async () => {
    await renderChat();
    await waitFor(() => expect(composer()).toHaveFocus());
    expect(
      screen.queryByRole('navigation', { name: 'Conversations' }),
    ).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Conversations' }),
    );
    const history = await screen.findByRole('navigation', {
      name: 'Conversations',
    });
    await userEvent.click(within(history).getByText('Deploying payments'));
    await waitFor(() =>
      expect(
        screen.queryByRole('navigation', { name: 'Conversations' }),
      ).not.toBeInTheDocument(),
    );
    await screen.findByText('Answer of Deploying payments');
    await waitFor(() => expect(composer()).toHaveFocus());

    await userEvent.click(
      screen.getByRole('button', { name: 'Conversations' }),
    );
    await screen.findByRole('navigation', { name: 'Conversations' });
    await userEvent.keyboard('{Escape}');
    await waitFor(() =>
      expect(
        screen.queryByRole('navigation', { name: 'Conversations' }),
      ).not.toBeInTheDocument(),
    );
    expect(composer()).toHaveFocus();
  });
});
