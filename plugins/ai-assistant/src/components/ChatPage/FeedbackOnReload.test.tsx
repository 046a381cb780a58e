import type { ChatMessage } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { BASE_URL, TestApis } from '../../__testUtils__/apis';
import {
  errorResponse,
  FakeBackend,
  setupFakeBackend,
} from '../../__testUtils__/fakeBackend';
import { ChatPage } from './ChatPage';

// The thumbs of answers of a stored conversation, and the reason box of a thumbs down.

const server = setupFakeBackend();
let backend: FakeBackend;
let user: ReturnType<typeof userEvent.setup>;

const REASON = 'What was wrong? (optional)';

beforeEach(() => {
  backend = new FakeBackend();
  server.use(...backend.handlers);
  user = userEvent.setup();
});

/** A stored conversation of three exchanges; `feedback` per answer, in order. */
function storeConversation(feedback: Array<ChatMessage['feedback']>) {
  const now = new Date().toISOString();
  const messages: ChatMessage[] = feedback.flatMap((rated, i) => [
    {
      id: `q${i}`,
      role: 'user' as const,
      content: `Question ${i}`,
      status: 'complete' as const,
      sources: [],
      toolCalls: [],
      createdAt: now,
    },
    {
      id: `a${i}`,
      role: 'assistant' as const,
      content: `Answer ${i}`,
      status: 'complete' as const,
      sources: [],
      toolCalls: [],
      createdAt: now,
      ...(rated && { feedback: rated }),
    },
  ]);
  backend.conversations.push({
    id: 'c1',
    title: 'Deploying',
    createdAt: now,
    updatedAt: now,
    messages,
  });
}

async function openConversation() {
  const page = await renderInTestApp(
    <TestApis>
      <ChatPage />
    </TestApis>,
  );
  await user.click(await screen.findByText('Deploying'));
  await screen.findByText('Answer 0');
  return page;
}

const answer = (text: string) =>
  screen
    .getAllByRole('article', { name: "Assistant's answer" })
    .find(article => article.textContent?.includes(text))!;
const thumb = (text: string, name: 'Good answer' | 'Bad answer') =>
  within(answer(text)).getByRole('button', { name });

describe('Feedback on a reloaded conversation', () => {
  it('shows the thumb the user chose on each answer', async () => {
    storeConversation([
      { rating: 'down', comment: 'Outdated' },
      { rating: 'up' },
      undefined,
    ]);
    await openConversation();

    expect(thumb('Answer 0', 'Bad answer')).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(thumb('Answer 0', 'Good answer')).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    expect(thumb('Answer 1', 'Good answer')).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    for (const name of ['Good answer', 'Bad answer'] as const) {
      expect(thumb('Answer 2', name)).toHaveAttribute('aria-pressed', 'false');
    }
  });

  it('keeps a rating made before the page was reloaded', async () => {
    storeConversation([undefined, undefined, undefined]);
    const first = await openConversation();
    await user.click(thumb('Answer 1', 'Good answer'));
    await waitFor(() =>
      expect(backend.feedback).toEqual([{ messageId: 'a1', rating: 'up' }]),
    );
    first.unmount();

    await openConversation();
    expect(thumb('Answer 1', 'Good answer')).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('pressing a thumbs down that is already pressed asks for the reason again and keeps the one given', async () => {
    storeConversation([{ rating: 'down', comment: 'Outdated' }]);
    await openConversation();

    await user.click(thumb('Answer 0', 'Bad answer'));
    expect(
      await screen.findByRole('textbox', { name: REASON }),
    ).toBeInTheDocument();
    // Nothing was sent: a second thumbs down without a reason would erase "Outdated".
    expect(backend.feedback).toEqual([]);

    await user.type(
      screen.getByRole('textbox', { name: REASON }),
      'It names the old cluster{Enter}',
    );
    await waitFor(() =>
      expect(backend.feedback).toEqual([
        {
          messageId: 'a0',
          rating: 'down',
          comment: 'It names the old cluster',
        },
      ]),
    );
  });
});

describe('The reason of a thumbs down', () => {
  it('counts the characters near the limit and stops at it', async () => {
    storeConversation([undefined]);
    await openConversation();
    await user.click(thumb('Answer 0', 'Bad answer'));
    const reason = await screen.findByRole('textbox', { name: REASON });

    await user.click(reason);
    await user.paste('x'.repeat(1500));
    expect(screen.queryByText(/characters$/)).not.toBeInTheDocument();
    await user.paste('x'.repeat(600));
    expect(reason).toHaveValue('x'.repeat(2000));
    expect(screen.getByText('2000 / 2000 characters')).toBeInTheDocument();
  });

  it("shows the server's refusal and keeps the reason to be fixed", async () => {
    storeConversation([undefined]);
    await openConversation();
    server.use(
      http.post(`${BASE_URL}/messages/:id/feedback`, async ({ request }) => {
        const body = (await request.json()) as { comment?: string };
        return body.comment
          ? errorResponse(
              400,
              'InputError',
              'Invalid feedback: comment must be at most 2000 characters',
            )
          : new Response(null, { status: 204 });
      }),
    );
    await user.click(thumb('Answer 0', 'Bad answer'));
    const reason = await screen.findByRole('textbox', { name: REASON });
    await user.type(reason, 'Too long, say{Enter}');

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'comment must be at most 2000 characters',
    );
    expect(reason).toHaveValue('Too long, say');
  });
});
