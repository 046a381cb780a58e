import { htmlToText, searchIndexSections } from './searchIndex';
import { paymentsSearchIndex } from './testing/techDocsTestServer';

describe('htmlToText', () => {
  it('drops tags, keeps block breaks and decodes entities', () => {
    expect(
      htmlToText(
        '<h2>Title</h2><p>A &amp; B&nbsp;&lt;C&gt; &#39;d&#x27;</p><ul><li>one</li><li>two</li></ul><script>x()</script>',
      ),
    ).toBe("Title\nA & B <C> 'd'\none\ntwo");
  });

  it('keeps line breaks and text around inline tags, and drops style sheets', () => {
    expect(
      htmlToText(
        '<style>p { color: red }</style><p>Run <code>make</code> first.<br>Then <em>deploy</em>.</p><div>Done</div>',
      ),
    ).toBe('Run make first.\nThen deploy.\nDone');
  });
});

// Search indexes come from whatever a repository's docs contain, so a page can be written to
// be slow to convert: regular expressions that backtracked over unclosed tags blocked the
// whole backend for minutes on one such page.
describe('Event-loop stalls from regular expressions: htmlToText', () => {
  const prose = (length: number) =>
    'Deployments use Argo CD. '.repeat(Math.ceil(length / 25)).slice(0, length);

  // Compiled once before timing, so the measurements are of the algorithm, not of a cold JIT.
  beforeAll(() => {
    htmlToText(`<p>Warm</p>${prose(100_000)}${'<script'.repeat(1000)}`);
  });

  it.each([
    ['ending in 200 KB of unclosed <script tags', '<script', 'end'],
    ['ending in 200 KB of unclosed <style tags', '<style', 'end'],
    ['with 30,000 <style> tags that are never closed', '<style>', 'start'],
  ])('converts a 1 MB page %s in linear time', (_name, tag, where) => {
    const tags =
      where === 'end'
        ? tag.repeat(Math.ceil(200_000 / tag.length))
        : tag.repeat(30_000);
    const html =
      where === 'end'
        ? `<p>Intro</p>${prose(1_000_000 - tags.length)}${tags}`
        : `<p>Intro</p>${tags}${prose(1_000_000 - tags.length)}`;
    const started = performance.now();
    const text = htmlToText(html);
    const elapsedMs = performance.now() - started;
    expect(text.startsWith('Intro')).toBe(true);
    // Linear time is milliseconds; the backtracking expressions took from seconds to minutes.
    expect(elapsedMs).toBeLessThan(1000);
  });
});

describe('searchIndexSections', () => {
  it('gives one section per heading, skipping page entries that repeat their sections and empty ones', () => {
    expect(searchIndexSections(paymentsSearchIndex())).toEqual([
      {
        location: '#payments',
        pageTitle: 'Payments',
        title: 'Payments',
        text: 'Payments handles card payments & refunds.',
      },
      {
        location: '#setup',
        pageTitle: 'Payments',
        title: 'Setup',
        text: 'Run make setup first.',
      },
      {
        location: 'runbook/#rollback',
        pageTitle: 'Runbook',
        title: 'Rolling back',
        text: 'Use helm rollback payments.\ncheck dashboards\ntell #payments',
      },
    ]);
  });

  it('keeps a page entry when the page has no sections', () => {
    expect(
      searchIndexSections([
        { location: 'faq/', title: 'FAQ', text: '<p>Ask away.</p>' },
      ]),
    ).toEqual([
      { location: 'faq/', pageTitle: 'FAQ', title: 'FAQ', text: 'Ask away.' },
    ]);
  });
});
