import { doc } from '../__testUtils__/fakes';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { startChatBackend } from '../__testUtils__/chatBackend';
import { sectionUrl } from './sectionUrl';

jest.setTimeout(120_000);

const runbook = doc(
  'runbook',
  [
    '---',
    'title: Payments runbook',
    'description: How the payments team operates its services.',
    '---',
    '# Payments',
    'Overview of the payments services and their owners.',
    '## Rolling back a release',
    'Run `helm rollback payments` and watch the canary dashboard until errors settle.',
    '## On-call',
    'The payments rotation is managed in PagerDuty.',
  ].join('\n'),
  { title: 'payments: docs/runbook.md' },
);

// Markdown an ingestor composed for a page that has no such headings, like a catalog entity.
const entityPage = doc(
  'entity',
  '# Payments ledger (Component)\n\n## Ownership\n\nThe ledger is owned by the payments team.',
  { title: 'ledger (Component)', sectionAnchors: false },
);

describe('citations', () => {
  it('link to the section the chunk came from and name it, in the sources event and the prompt, where the page has anchors', async () => {
    const model = new ScriptedChatModel(messages =>
      isTitleRequest(messages)
        ? { tokens: ['Rolling back'] }
        : { tokens: ['Use helm rollback [1].'] },
    );
    const backend = await startChatBackend({
      models: [scriptedModel('scripted/one', model)],
      documents: [runbook, entityPage],
    });

    const { events } = await backend.chat({
      message: 'How do I roll back a payments release with helm rollback?',
    });

    const sources = events.find(e => e.type === 'sources')!.data.sources;
    const rollback = sources.find((s: any) =>
      s.url.endsWith('#rolling-back-a-release'),
    );
    expect(rollback).toMatchObject({
      title: 'payments: docs/runbook.md',
      url: 'https://docs.example.com/runbook#rolling-back-a-release',
      section: 'Payments > Rolling back a release',
      // What the citation's preview shows: the passage the answer leans on.
      excerpt: expect.stringContaining(
        'Run `helm rollback payments` and watch the canary dashboard',
      ),
    });
    // The first source is the rollback section: its own words and heading match best.
    expect(sources[0].url).toBe(rollback.url);
    const prompt = model.calls
      .flat()
      .map(message => String(message.content))
      .join('\n');
    expect(prompt).toContain(
      'section="Payments > Rolling back a release" url="https://docs.example.com/runbook#rolling-back-a-release"',
    );

    const { events: ledger } = await backend.chat({
      message: 'Who owns the payments ledger?',
    });
    const ledgerSources = ledger.find(e => e.type === 'sources')!.data.sources;
    expect(ledgerSources).toContainEqual(
      expect.objectContaining({
        documentId: 'entity',
        url: 'https://docs.example.com/entity',
        section: 'Payments ledger (Component) > Ownership',
      }),
    );
    await backend.stop();
  });

  it('keep a URL that already points at a section, as TechDocs section URLs do', () => {
    expect(sectionUrl('/docs/default/component/x/install/#helm', 'other')).toBe(
      '/docs/default/component/x/install/#helm',
    );
    expect(sectionUrl('https://example.com/a', 'b-c')).toBe(
      'https://example.com/a#b-c',
    );
    expect(sectionUrl('https://example.com/a')).toBe('https://example.com/a');
  });
});
