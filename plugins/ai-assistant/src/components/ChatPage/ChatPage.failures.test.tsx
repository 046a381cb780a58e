import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { BASE_URL } from '../../__testUtils__/apis';
import { answer, setupChatPage } from '../../__testUtils__/chatPage';
import { errorResponse } from '../../__testUtils__/fakeBackend';
import { SOURCES } from '../../__testUtils__/fixtures';

const { server, backend, renderChat, ask } = setupChatPage();

describe('ChatPage when an answer fails', () => {
  it('shows why no model answered, with the sources it still found', async () => {
    backend().models = { models: [] };
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
    backend().conversations.push({
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
});
