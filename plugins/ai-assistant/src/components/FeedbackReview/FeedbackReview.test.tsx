import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { BASE_URL, TestApis } from '../../__testUtils__/apis';
import {
  errorResponse,
  setupFakeBackend,
} from '../../__testUtils__/fakeBackend';
import {
  FakeFeedbackReview,
  reviewItem,
} from '../../__testUtils__/fakeFeedbackReview';
import { SOURCES } from '../../__testUtils__/fixtures';
import { CockpitFrame } from '../Cockpit';
import { FeedbackReview } from './FeedbackReview';

const server = setupFakeBackend();
let fake: FakeFeedbackReview;
let user: ReturnType<typeof userEvent.setup>;

beforeEach(() => {
  fake = new FakeFeedbackReview();
  server.use(...fake.handlers);
  user = userEvent.setup();
});

async function renderReview() {
  await renderInTestApp(
    <TestApis admin>
      <FeedbackReview />
    </TestApis>,
  );
}

const cards = () => screen.queryAllByRole('article');
const card = (question: string) =>
  screen.getByRole('article', { name: question });
const headings = () =>
  cards().map(
    // The question is the card's first heading; its sources have one too.
    article =>
      within(article).getAllByRole('heading', { level: 3 })[0].textContent,
  );

describe('FeedbackReview', () => {
  it("lists the thumbs-down answers newest first with the user's comment, the answer, its sources and model", async () => {
    fake.items = [
      reviewItem(1),
      reviewItem(2, {
        comment: 'We moved payments to Argo CD last year.',
        answer: 'Payments deploys with Jenkins [1].',
        modelId: 'azure-ai/gpt-4o',
        sources: SOURCES,
      }),
    ];
    await renderReview();

    await waitFor(() =>
      expect(headings()).toEqual(['Question 2', 'Question 1']),
    );
    const newest = card('Question 2');
    expect(newest).toHaveTextContent('We moved payments to Argo CD last year.');
    expect(newest).toHaveTextContent('Payments deploys with Jenkins [1].');
    expect(newest).toHaveTextContent('Model: azure-ai/gpt-4o');
    expect(
      within(newest).getByRole('link', { name: 'payments: README' }),
    ).toHaveAttribute('href', 'https://github.example/acme/payments#readme');
    const older = card('Question 1');
    expect(older).toHaveTextContent('No reason given.');
    expect(older).toHaveTextContent('The answer was given no sources.');
    expect(fake.queries[0].get('status')).toBe('unreviewed');
  });

  it('marks one reviewed: the button gives way to who reviewed it', async () => {
    fake.items = [reviewItem(1), reviewItem(2)];
    await renderReview();
    await user.click(
      await screen.findByRole('button', { name: 'Mark reviewed: Question 1' }),
    );

    expect(
      await within(card('Question 1')).findByText(
        /Reviewed by user:default\/admin on/,
      ),
    ).toBeInTheDocument();
    expect(fake.marked).toEqual(['m1']);
    expect(
      within(card('Question 2')).getByRole('button', { name: /Mark reviewed/ }),
    ).toBeEnabled();
  });

  it('says why marking failed and lets the admin try again', async () => {
    fake.items = [reviewItem(1)];
    await renderReview();
    server.use(
      http.post(`${BASE_URL}/admin/feedback/:id/reviewed`, () =>
        errorResponse(503, 'ServiceUnavailableError', 'Database unavailable'),
      ),
    );
    const button = await screen.findByRole('button', {
      name: 'Mark reviewed: Question 1',
    });
    await user.click(button);

    expect(
      await within(card('Question 1')).findByRole('alert'),
    ).toHaveTextContent(
      'Could not mark it reviewed: Database unavailable (HTTP 503)',
    );
    expect(button).toBeEnabled();
  });

  it('filters reviewed and not reviewed answers', async () => {
    fake.items = [
      reviewItem(1, {
        reviewedAt: '2026-12-02T09:00:00.000Z',
        reviewedBy: 'user:default/lead',
      }),
      reviewItem(2),
    ];
    await renderReview();
    await waitFor(() => expect(headings()).toEqual(['Question 2']));

    await user.selectOptions(screen.getByLabelText('Show'), 'Reviewed');
    await waitFor(() => expect(headings()).toEqual(['Question 1']));
    expect(card('Question 1')).toHaveTextContent(
      'Reviewed by user:default/lead',
    );
    expect(fake.queries.at(-1)?.get('status')).toBe('reviewed');

    await user.selectOptions(screen.getByLabelText('Show'), 'All');
    await waitFor(() =>
      expect(headings()).toEqual(['Question 2', 'Question 1']),
    );
  });

  it('pages through older and newer answers', async () => {
    fake.items = Array.from({ length: 45 }, (_, i) => reviewItem(i + 1));
    await renderReview();
    expect(await screen.findByText('1–20 of 45')).toBeInTheDocument();
    expect(headings()[0]).toBe('Question 45');
    expect(screen.getByRole('button', { name: 'Newer' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Older' }));
    await user.click(await screen.findByRole('button', { name: 'Older' }));
    expect(await screen.findByText('41–45 of 45')).toBeInTheDocument();
    expect(headings()).toEqual([
      'Question 5',
      'Question 4',
      'Question 3',
      'Question 2',
      'Question 1',
    ]);
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Newer' }));
    expect(await screen.findByText('21–40 of 45')).toBeInTheDocument();
    expect(headings()[0]).toBe('Question 25');
  });

  it('says when there is nothing to review, and when the list cannot be loaded', async () => {
    await renderReview();
    expect(
      await screen.findByText('No thumbs-down answer is waiting for review.'),
    ).toBeInTheDocument();

    server.use(
      http.get(`${BASE_URL}/admin/feedback`, () =>
        errorResponse(
          403,
          'NotAllowedError',
          'This needs the ai-assistant.ingestion.admin permission of the AI assistant',
        ),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Refresh feedback' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the feedback: This needs the ai-assistant.ingestion.admin permission of the AI assistant (HTTP 403)',
    );
  });

  it("opens from the cockpit's Feedback tab", async () => {
    fake.items = [reviewItem(7, { comment: 'Wrong team' })];
    await renderInTestApp(
      <TestApis admin>
        <CockpitFrame chat={<p>chat</p>} />
      </TestApis>,
    );
    await user.click(await screen.findByRole('tab', { name: 'Feedback' }));
    expect(await screen.findByText('Wrong team')).toBeInTheDocument();
    expect(card('Question 7')).toBeInTheDocument();
  });
});
