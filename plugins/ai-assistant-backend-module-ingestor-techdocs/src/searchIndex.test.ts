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
