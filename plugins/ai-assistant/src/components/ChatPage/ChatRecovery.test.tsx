import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { BASE_URL, TestApis } from '../../__testUtils__/apis';
import {
  ChatExchange,
  errorResponse,
  FakeBackend,
  setupFakeBackend,
} from '../../__testUtils__/fakeBackend';
import { ChatPage } from './ChatPage';

// Recovering from failures and reusing what was said: retry, regenerate, the question kept
// when sending fails, the size counter, copy, edit and the reason of a thumbs down.

const server = setupFakeBackend();
let backend: FakeBackend;
let user: ReturnType<typeof userEvent.setup>;

beforeEach(() => {
  backend = new FakeBackend();
  server.use(...backend.handlers);
  // Gives the page a navigator.clipboard (jsdom has none).
  user = userEvent.setup();
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
const answers = () =>
  screen.queryAllByRole('article', { name: "Assistant's answer" });
const lastAnswer = () => answers()[answers().length - 1];

async function ask(question: string): Promise<ChatExchange> {
  const exchange = backend.nextChat();
  await user.type(composer(), `${question}{Enter}`);
  return exchange;
}

/** Streams a complete answer through an exchange. */
function answerWith(
  { stream }: ChatExchange,
  text: string,
  ids = { conversationId: 'c1', messageId: 'm1' },
) {
  stream.pushEvent({ type: 'conversation', data: ids });
  stream.pushEvent({ type: 'delta', data: { text } });
  stream.pushEvent({ type: 'done', data: { messageId: ids.messageId } });
  stream.close();
}

describe('ChatPage recovery and reuse', () => {
  it('retries a failed answer with the same question in the same conversation', async () => {
    await renderChat();
    const first = await ask('How do we deploy payments?');
    first.stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    first.stream.pushEvent({ type: 'delta', data: { text: 'Half an' } });
    first.stream.pushEvent({
      type: 'error',
      data: { code: 'model_error', message: 'The model failed.' },
    });
    first.stream.close();
    await within(lastAnswer()).findByRole('alert');
    // The partial answer is not lost, and the question is not put back: it was answered.
    expect(lastAnswer()).toHaveTextContent('Half an');
    expect(composer()).toHaveValue('');
    // A failed answer offers Retry, not Regenerate.
    expect(
      within(lastAnswer()).queryByRole('button', { name: 'Regenerate' }),
    ).not.toBeInTheDocument();

    const retry = backend.nextChat();
    await user.click(
      within(lastAnswer()).getByRole('button', { name: 'Retry' }),
    );
    const second = await retry;
    // The failed answer was the last: asked as a regenerate, so the model does not see it.
    expect(second.request).toEqual({
      message: 'How do we deploy payments?',
      conversationId: 'c1',
      modelId: 'ollama/llama3.1',
      regenerate: true,
    });
    answerWith(second, 'Through Argo CD.', {
      conversationId: 'c1',
      messageId: 'm2',
    });
    await waitFor(() =>
      expect(lastAnswer()).toHaveTextContent('Through Argo CD.'),
    );
    expect(answers()).toHaveLength(2);
  });

  it('offers Regenerate on the last answer only, and asks its question again', async () => {
    await renderChat();
    answerWith(await ask('First question'), 'First answer');
    await within(lastAnswer()).findByRole('button', { name: 'Regenerate' });
    answerWith(await ask('Second question'), 'Second answer', {
      conversationId: 'c1',
      messageId: 'm2',
    });
    await waitFor(() =>
      expect(lastAnswer()).toHaveTextContent('Second answer'),
    );
    const regenerate = await screen.findAllByRole('button', {
      name: 'Regenerate',
    });
    expect(regenerate).toHaveLength(1);
    expect(lastAnswer()).toContainElement(regenerate[0]);

    const again = backend.nextChat();
    await user.click(regenerate[0]);
    expect((await again).request).toMatchObject({
      message: 'Second question',
      conversationId: 'c1',
      regenerate: true,
    });
    // While the new answer streams, nothing can be asked again.
    expect(
      screen.queryByRole('button', { name: 'Regenerate' }),
    ).not.toBeInTheDocument();
  });

  it('retries an earlier failed answer as a new question, leaving the later exchanges alone', async () => {
    await renderChat();
    const first = await ask('First question');
    first.stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    first.stream.pushEvent({
      type: 'error',
      data: { code: 'model_error', message: 'The model failed.' },
    });
    first.stream.close();
    await user.clear(await screen.findByDisplayValue('First question'));
    answerWith(await ask('Second question'), 'Second answer', {
      conversationId: 'c1',
      messageId: 'm2',
    });
    await waitFor(() =>
      expect(lastAnswer()).toHaveTextContent('Second answer'),
    );

    const retry = backend.nextChat();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    const { request } = await retry;
    expect(request).toMatchObject({
      message: 'First question',
      conversationId: 'c1',
    });
    expect(request.regenerate).toBeUndefined();
  });

  it('keeps the question in the composer when the network fails before an answer starts', async () => {
    server.use(http.post(`${BASE_URL}/chat`, () => HttpResponse.error()));
    await renderChat();
    await user.type(composer(), 'Who owns payments?{Enter}');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your question was not sent');
    expect(alert).toHaveTextContent(
      'Could not reach the AI assistant. Check your connection and try again.',
    );
    expect(alert).not.toHaveTextContent(BASE_URL);
    expect(composer()).toHaveValue('Who owns payments?');
    expect(answers()).toHaveLength(0);

    // The network is back: sending the kept question works and clears the error.
    server.use(...backend.handlers);
    const exchange = backend.nextChat();
    await user.click(screen.getByRole('button', { name: 'Send message' }));
    expect((await exchange).request.message).toBe('Who owns payments?');
    expect(composer()).toHaveValue('');
    await waitFor(() =>
      expect(
        screen.queryByText('Your question was not sent'),
      ).not.toBeInTheDocument(),
    );
  });

  it('says a conversation is full without naming the setting behind it', async () => {
    server.use(
      http.post(`${BASE_URL}/chat`, () =>
        errorResponse(
          409,
          'ConflictError',
          'This conversation has reached its limit of 200 messages (aiAssistant.conversations.maxMessages); start a new conversation to continue.',
        ),
      ),
    );
    await renderChat();
    await user.type(composer(), 'One more?{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'This conversation has reached its limit of 200 messages; start a new conversation to continue.',
    );
    expect(alert).not.toHaveTextContent('aiAssistant');
    expect(composer()).toHaveValue('One more?');
  });

  it('puts the question back when no model could write any of the answer, and offers Retry', async () => {
    await renderChat();
    const { stream } = await ask('Who owns payments?');
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({
      type: 'error',
      data: {
        code: 'no_model_provider',
        message: 'No chat model is configured.',
      },
    });
    stream.close();
    await waitFor(() => expect(composer()).toHaveValue('Who owns payments?'));
    expect(
      within(lastAnswer()).getByRole('button', { name: 'Retry' }),
    ).toBeInTheDocument();
  });

  it('counts characters from 80 % of the server limit and refuses to send over it', async () => {
    backend.models = { ...backend.models, maxMessageLength: 100 };
    await renderChat();
    await user.click(composer());
    await user.paste('x'.repeat(79));
    expect(screen.queryByText(/characters/)).not.toBeInTheDocument();

    await user.type(composer(), 'x');
    expect(screen.getByRole('status')).toHaveTextContent('80 / 100 characters');

    await user.paste('x'.repeat(21));
    expect(screen.getByRole('status')).toHaveTextContent(
      '101 / 100 characters: too long to send. Remove 1 character, or split the question.',
    );
    expect(screen.getByRole('button', { name: 'Send message' })).toBeDisabled();
    await user.type(composer(), '{Enter}');
    expect(backend.chats).toHaveLength(0);
    expect(composer()).toHaveValue('x'.repeat(101));

    await user.type(composer(), '{Backspace}');
    expect(screen.getByRole('status')).toHaveTextContent(
      '100 / 100 characters',
    );
    expect(screen.getByRole('button', { name: 'Send message' })).toBeEnabled();
  });

  it('copies the whole answer as markdown, and each code block on its own', async () => {
    await renderChat();
    const markdown =
      'Deploy with:\n\n```sh\nyarn deploy --env prod\n```\n\nThen **check** it.';
    answerWith(await ask('How?'), markdown);
    // user-event's clipboard stub cannot read text back under jsdom: watch what is written.
    const writeText = jest.spyOn(navigator.clipboard, 'writeText');
    const copyAnswer = await within(lastAnswer()).findByRole('button', {
      name: 'Copy answer',
    });
    await user.click(copyAnswer);
    expect(writeText).toHaveBeenLastCalledWith(markdown);
    expect(copyAnswer.parentElement).toHaveTextContent('Copied');

    await user.click(
      within(lastAnswer()).getByRole('button', { name: 'Copy code' }),
    );
    expect(writeText).toHaveBeenLastCalledWith('yarn deploy --env prod');
  });

  it('edits a question in the composer and sends it again', async () => {
    await renderChat();
    answerWith(await ask('How do we deploy paymnets?'), 'What is paymnets?');
    await within(lastAnswer()).findByRole('button', { name: 'Regenerate' });

    await user.click(screen.getByRole('button', { name: 'Edit question' }));
    expect(composer()).toHaveValue('How do we deploy paymnets?');
    expect(composer()).toHaveFocus();

    await user.clear(composer());
    const exchange = backend.nextChat();
    await user.type(composer(), 'How do we deploy payments?{Enter}');
    const { request } = await exchange;
    // A new question of the same conversation, not a regenerate of the old one.
    expect(request).toMatchObject({
      message: 'How do we deploy payments?',
      conversationId: 'c1',
    });
    expect(request.regenerate).toBeUndefined();
  });

  it('asks an optional reason after a thumbs down and sends it with the rating', async () => {
    await renderChat();
    answerWith(await ask('How?'), 'Somehow.');
    await user.click(
      await within(lastAnswer()).findByRole('button', { name: 'Bad answer' }),
    );
    await waitFor(() =>
      expect(backend.feedback).toEqual([{ messageId: 'm1', rating: 'down' }]),
    );
    const reason = await screen.findByRole('textbox', {
      name: 'What was wrong? (optional)',
    });
    await user.type(reason, 'It does not say which command.{Enter}');
    await waitFor(() =>
      expect(backend.feedback.at(-1)).toEqual({
        messageId: 'm1',
        rating: 'down',
        comment: 'It does not say which command.',
      }),
    );
    expect(
      await screen.findByText('Thanks: your reason was sent.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('textbox', { name: 'What was wrong? (optional)' }),
    ).not.toBeInTheDocument();
  });

  it('lets the reason be skipped, keeping the thumbs down', async () => {
    await renderChat();
    answerWith(await ask('How?'), 'Somehow.');
    await user.click(
      await within(lastAnswer()).findByRole('button', { name: 'Bad answer' }),
    );
    await user.click(await screen.findByRole('button', { name: 'Skip' }));
    expect(
      screen.queryByRole('textbox', { name: 'What was wrong? (optional)' }),
    ).not.toBeInTheDocument();
    expect(backend.feedback).toEqual([{ messageId: 'm1', rating: 'down' }]);
    expect(screen.getByRole('button', { name: 'Bad answer' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });
});
