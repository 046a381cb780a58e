import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ViewMessage } from '../../hooks/chatReducer';
import { Message } from './Message';

function chunkOf(
  document: Omit<AiAssistantSource, 'score'>,
  score: number,
): AiAssistantSource {
  return { ...document, score };
}

const SYSTEM = {
  source: 'catalog',
  documentId: 'system:default/payments',
  title: 'Payments (System)',
  url: '/catalog/default/system/payments',
  entityRef: 'system:default/payments',
};
const API = {
  source: 'catalog',
  documentId: 'api:default/payments-api',
  title: 'Payments API (API)',
  url: '/catalog/default/api/payments-api',
  entityRef: 'api:default/payments-api',
};
const SERVICE = {
  source: 'catalog',
  documentId: 'component:default/payments-service',
  title: 'Payments Service (Component)',
  url: '/catalog/default/component/payments-service',
  entityRef: 'component:default/payments-service',
};

// One source per retrieved chunk, as the backend sends them: the API's three chunks are
// [2], [3] and [5], the service's two [4] and [6].
const RETRIEVED: AiAssistantSource[] = [
  chunkOf(SYSTEM, 0.9),
  chunkOf(API, 0.8),
  chunkOf(API, 0.7),
  chunkOf(SERVICE, 0.6),
  chunkOf(API, 0.5),
  chunkOf(SERVICE, 0.4),
];

function answerWith(
  content: string,
  sources: AiAssistantSource[],
): ViewMessage {
  return {
    key: 'a1',
    id: 'm1',
    role: 'assistant',
    content,
    status: 'complete',
    sources,
    toolCalls: [],
  };
}

async function renderAnswer(content: string, sources = RETRIEVED) {
  await renderInTestApp(<Message message={answerWith(content, sources)} />);
  return within(screen.getByRole('region', { name: 'Sources' }));
}

describe('the sources of an answer', () => {
  it('lists each document once, with every number its chunks were given', async () => {
    const sources = await renderAnswer('Refunds go through the API [3].');

    // The cited document first; the others (folded) after it.
    const rows = sources.getAllByRole('listitem', { hidden: true });
    expect(rows.map(row => row.textContent)).toEqual([
      '[2] [3] [5]Payments API (API) · api:default/payments-api',
      '[1]Payments (System) · system:default/payments',
      '[4] [6]Payments Service (Component) · component:default/payments-service',
    ]);
    expect(
      sources
        .getAllByRole('link', { hidden: true })
        .map(link => link.getAttribute('href')),
    ).toEqual([API.url, SYSTEM.url, SERVICE.url]);
  });

  it("links a citation of any of a document's chunks to that document", async () => {
    await renderAnswer('Call the API [5], which the service implements [6].');

    const citation = screen.getByRole('link', {
      name: 'Source 5: Payments API (API)',
    });
    expect(citation).toHaveTextContent('[5]');
    expect(citation).toHaveAttribute('href', API.url);
    expect(
      screen.getByRole('link', {
        name: 'Source 6: Payments Service (Component)',
      }),
    ).toHaveAttribute('href', SERVICE.url);
  });

  it('keeps documents apart that have no link and only share a title', async () => {
    const readme = { title: 'README', url: '', score: 0.5 };
    const sources = await renderAnswer('See the README [2].', [
      { ...readme, source: 'github', documentId: 'acme/payments/README.md' },
      { ...readme, source: 'github', documentId: 'acme/refunds/README.md' },
      { ...readme, source: 'github', documentId: 'acme/payments/README.md' },
      {
        ...readme,
        source: 'techdocs',
        documentId: 'default/component/payments/index',
        entityRef: 'component:default/payments',
      },
      {
        ...readme,
        source: 'techdocs',
        documentId: 'default/component/payments/index#setup',
        entityRef: 'component:default/payments',
      },
    ]);

    expect(
      sources
        .getAllByRole('listitem', { hidden: true })
        .map(row => row.textContent),
    ).toEqual([
      '[2]README',
      '[1] [3]README',
      '[4] [5]README · component:default/payments',
    ]);
    // Nothing to link to: the citation stays as the model wrote it.
    expect(screen.queryByRole('link', { name: /^Source 2/ })).toBeNull();
    expect(screen.getByText(/See the README \[2\]/)).toBeInTheDocument();
  });
});

describe('reusing a message', () => {
  it('offers Retry on a failed answer, Regenerate when asked to, and neither while it streams', async () => {
    const onRetry = jest.fn();
    const failed: ViewMessage = {
      ...answerWith('', []),
      status: 'error',
      error: { code: 'model_error', message: 'The model failed.' },
    };
    const { rerender } = await renderInTestApp(
      <Message message={failed} onRetry={onRetry} />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
    // Nothing was written, so there is nothing to copy.
    expect(
      screen.queryByRole('button', { name: 'Copy answer' }),
    ).not.toBeInTheDocument();

    rerender(
      <Message
        message={{ ...answerWith('Half', []), status: 'streaming' }}
        onRegenerate={jest.fn()}
      />,
    );
    expect(
      screen.queryByRole('button', { name: 'Regenerate' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Copy answer' }),
    ).not.toBeInTheDocument();
  });

  it('says so when the browser refuses to copy', async () => {
    userEvent.setup();
    jest
      .spyOn(navigator.clipboard, 'writeText')
      .mockRejectedValue(new Error('denied'));
    await renderInTestApp(<Message message={answerWith('An answer', [])} />);
    await userEvent.click(screen.getByRole('button', { name: 'Copy answer' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Copy failed');
  });

  it('has an edit button on a question only when editing is offered', async () => {
    const onEdit = jest.fn();
    const question: ViewMessage = {
      key: 'u1',
      role: 'user',
      content: 'How?',
      status: 'complete',
      sources: [],
      toolCalls: [],
    };
    const { rerender } = await renderInTestApp(
      <Message message={question} onEdit={onEdit} />,
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Edit question' }),
    );
    expect(onEdit).toHaveBeenCalledTimes(1);
    rerender(<Message message={question} />);
    expect(
      screen.queryByRole('button', { name: 'Edit question' }),
    ).not.toBeInTheDocument();
  });
});
