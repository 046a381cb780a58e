import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { answer, setupChatPage } from '../../__testUtils__/chatPage';
import { SOURCES } from '../../__testUtils__/fixtures';

const { backend, renderChat, ask } = setupChatPage();

describe('ChatPage', () => {
  it('shows tokens as they stream in, then offers feedback once done', async () => {
    await renderChat();
    const { request, stream } = await ask('How do we deploy payments?');
    expect(request).toEqual({
      message: 'How do we deploy payments?',
      modelId: 'ollama/llama3.1',
    });
    expect(screen.getByText('How do we deploy payments?')).toBeInTheDocument();

    stream.pushEvent(
      { type: 'conversation', data: { conversationId: 'c1', messageId: 'm1' } },
      [10],
    );
    stream.pushEvent({ type: 'sources', data: { sources: SOURCES } });
    stream.pushEvent(
      { type: 'delta', data: { text: 'Payments deploys' } },
      [5, 30],
    );
    await waitFor(() => expect(answer()).toHaveTextContent('Payments deploys'));
    expect(answer()).not.toHaveTextContent('through Argo CD');
    expect(
      screen.getByRole('button', { name: 'Stop generating' }),
    ).toBeInTheDocument();

    stream.pushEvent({ type: 'delta', data: { text: ' through Argo CD.' } });
    await waitFor(() =>
      expect(answer()).toHaveTextContent('Payments deploys through Argo CD.'),
    );
    expect(
      screen.queryByRole('button', { name: 'Good answer' }),
    ).not.toBeInTheDocument();

    stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
    stream.close();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Good answer' }),
    );
    await waitFor(() =>
      expect(backend().feedback).toEqual([{ messageId: 'm1', rating: 'up' }]),
    );
    expect(screen.getByRole('button', { name: 'Good answer' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(
      screen.getByRole('button', { name: 'Send message' }),
    ).toBeInTheDocument();
  });

  it('stops the answer when the stop button is pressed', async () => {
    await renderChat();
    const { stream, signal } = await ask('Explain everything');
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({ type: 'delta', data: { text: 'The first part' } });
    await waitFor(() => expect(answer()).toHaveTextContent('The first part'));

    await userEvent.click(
      screen.getByRole('button', { name: 'Stop generating' }),
    );
    expect(
      await screen.findByText('Stopped: the answer is incomplete.'),
    ).toBeInTheDocument();
    expect(signal.aborted).toBe(true);

    stream.pushEvent({ type: 'delta', data: { text: ' and the rest' } });
    await screen.findByRole('button', { name: 'Send message' });
    expect(answer()).not.toHaveTextContent('and the rest');
  });

  it('links numbered citations to their sources and lists the sources', async () => {
    await renderChat();
    const { stream } = await ask('How?');
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({ type: 'sources', data: { sources: SOURCES } });
    stream.pushEvent({
      type: 'delta',
      data: { text: 'Argo CD [1] runs it [2]; see [7]. Code: `items[1]`' },
    });
    stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
    stream.close();

    const first = await screen.findByRole('link', {
      name: 'Source 1: payments: README',
    });
    expect(first).toHaveAttribute('href', SOURCES[0].url);
    expect(first).toHaveTextContent('[1]');
    expect(
      screen.getByRole('link', { name: 'Source 2: Deploying payments' }),
    ).toHaveAttribute('href', SOURCES[1].url);
    // No source 7, and code is never a citation.
    expect(answer()).toHaveTextContent('see [7]');
    expect(within(answer()).getByText('items[1]').tagName).toBe('CODE');

    const sources = within(answer()).getByRole('region', { name: 'Sources' });
    expect(
      within(sources).getByRole('link', { name: 'payments: README' }),
    ).toHaveAttribute('href', SOURCES[0].url);
    expect(sources).toHaveTextContent('component:default/payments');
  });

  it('sends on Enter, adds a line on Shift+Enter, and starts from an example question', async () => {
    await renderChat();
    const box = screen.getByRole('textbox', {
      name: 'Message to the AI assistant',
    });
    await userEvent.type(box, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(box).toHaveValue('line one\nline two');
    expect(backend().chats).toHaveLength(0);

    const exchange = backend().nextChat();
    await userEvent.type(box, '{Enter}');
    expect((await exchange).request.message).toBe('line one\nline two');
    expect(box).toHaveValue('');
    (await exchange).stream.close();

    await userEvent.click(
      await screen.findByRole('button', { name: 'New conversation' }),
    );
    const example = backend().nextChat();
    const examples = screen.getByRole('group', { name: 'Example questions' });
    await userEvent.click(within(examples).getAllByRole('button')[1]);
    expect((await example).request.message).toBe('How do I deploy a service?');
  });

  it('offers example questions about what is indexed, when the server suggests some', async () => {
    backend().exampleQuestions = [
      'What does payments-service do, and who owns it?',
      'How do I call the orders-api API?',
    ];
    await renderChat();
    const examples = screen.getByRole('group', { name: 'Example questions' });
    const suggested = await within(examples).findByRole('button', {
      name: 'How do I call the orders-api API?',
    });
    expect(within(examples).getAllByRole('button')).toHaveLength(2);

    const exchange = backend().nextChat();
    await userEvent.click(suggested);
    expect((await exchange).request.message).toBe(
      'How do I call the orders-api API?',
    );
  });

  it('continues the conversation and lets the user pick another model', async () => {
    await renderChat();
    const first = await ask('first');
    first.stream.pushEvent({
      type: 'conversation',
      data: {
        conversationId: '11111111-1111-4111-8111-111111111111',
        messageId: 'm1',
      },
    });
    first.stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
    first.stream.close();
    await screen.findByRole('button', { name: 'Send message' });

    const picker = screen.getByRole('button', { name: /^Model / });
    expect(picker).toHaveTextContent('llama3.1 (Ollama)');
    await userEvent.click(picker);
    await userEvent.click(
      await screen.findByRole('option', { name: 'gpt-4o (Azure AI)' }),
    );
    const second = await ask('second');
    expect(second.request).toEqual({
      message: 'second',
      conversationId: '11111111-1111-4111-8111-111111111111',
      modelId: 'azure-ai/gpt-4o',
    });
    second.stream.close();
  });
  it('shows the title the server gives a new conversation after its first answer', async () => {
    await renderChat();
    const { stream } = await ask('How do we deploy payments?');
    const now = new Date().toISOString();
    // The server stores the conversation under the question, and names it in the background
    // only after the answer has ended.
    backend().conversations.push({
      id: 'c9',
      title: 'How do we deploy payments?',
      createdAt: now,
      updatedAt: now,
      messages: [],
    });
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c9', messageId: 'm9' },
    });
    stream.pushEvent({ type: 'sources', data: { sources: [] } });
    stream.pushEvent({ type: 'delta', data: { text: 'Through Argo CD.' } });
    stream.pushEvent({ type: 'done', data: { messageId: 'm9' } });
    stream.close();
    await screen.findByRole('button', { name: 'Good answer' });
    // Let the list re-read that follows the answer land before the title changes.
    await new Promise(resolve => setTimeout(resolve, 300));
    backend().conversations[0].title = 'Deploying payments';

    expect(
      await screen.findByText('Deploying payments', undefined, {
        timeout: 5000,
      }),
    ).toBeInTheDocument();
  });
});
