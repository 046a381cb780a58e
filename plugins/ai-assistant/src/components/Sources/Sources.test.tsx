import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Sources } from './Sources';

const source = (
  title: string,
  extra: Partial<AiAssistantSource> = {},
): AiAssistantSource => ({
  source: 'techdocs',
  documentId: title,
  title,
  url: `https://docs.example.com/${encodeURIComponent(title)}`,
  score: 0.5,
  ...extra,
});

const SOURCES = [
  source('Deploying'),
  source('Rollbacks', {
    url: 'https://docs.example.com/runbook#rolling-back',
    section: 'Runbook > Rolling back',
    excerpt: 'Run helm rollback payments and watch the canary dashboard.',
  }),
  source('On-call'),
  source('Glossary'),
];

const titles = (list: HTMLElement) =>
  within(list)
    .getAllByRole('listitem')
    .map(item => within(item).getByRole('link').textContent);

describe('Sources', () => {
  it('lists the documents the answer cites first, in citation order, and folds the others', async () => {
    await renderInTestApp(
      <Sources
        sources={SOURCES}
        answer="Roll back [2], then page on-call [3]."
      />,
    );
    const [cited, rest] = screen.getAllByRole('list', { hidden: true });
    expect(titles(cited)).toEqual(['Rollbacks', 'On-call']);
    expect(rest).not.toBeVisible();

    const more = screen.getByRole('button', {
      name: '2 more sources not cited',
    });
    expect(more).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(more);

    expect(rest).toBeVisible();
    expect(titles(rest)).toEqual(['Deploying', 'Glossary']);
  });

  it('folds nothing when the answer cites no source', async () => {
    await renderInTestApp(<Sources sources={SOURCES} answer="No citations." />);
    expect(titles(screen.getByRole('list'))).toEqual([
      'Deploying',
      'Rollbacks',
      'On-call',
      'Glossary',
    ]);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('previews the cited passage and its section when the pointer is on the title', async () => {
    await renderInTestApp(<Sources sources={SOURCES} answer="See [2]." />);
    await userEvent.hover(screen.getByRole('link', { name: 'Rollbacks' }));

    const preview = await screen.findByRole('tooltip');
    expect(preview).toHaveTextContent('Runbook > Rolling back');
    expect(preview).toHaveTextContent(
      'Run helm rollback payments and watch the canary dashboard.',
    );
  });
});
