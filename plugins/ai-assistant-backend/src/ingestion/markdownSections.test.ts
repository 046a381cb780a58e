import { parseMarkdown } from './markdownSections';

const anchors = (markdown: string) =>
  parseMarkdown(markdown).sections.map(section => section.anchor);

describe('parseMarkdown', () => {
  it('cuts at headings and gives each section its heading path', () => {
    const { sections } = parseMarkdown(
      [
        'Text before any heading.',
        '# Installation',
        'Install the chart.',
        '## Helm',
        'Add the repository.',
        '### Upgrading',
        'Run helm upgrade.',
        '## Kustomize',
        'Apply the overlay.',
        '# Usage',
        'Open the page.',
      ].join('\n\n'),
    );
    expect(sections.map(s => [s.headings.join(' > '), s.body])).toEqual([
      ['', 'Text before any heading.'],
      ['Installation', 'Install the chart.'],
      ['Installation > Helm', 'Add the repository.'],
      ['Installation > Helm > Upgrading', 'Run helm upgrade.'],
      ['Installation > Kustomize', 'Apply the overlay.'],
      ['Usage', 'Open the page.'],
    ]);
  });

  it('makes no section of a heading without text under it, but keeps it in the path below', () => {
    const { sections } = parseMarkdown(
      '# Guide\n\n## Setup\n\n### Linux\n\nUse apt.\n\n## Empty\n\n',
    );
    expect(sections).toEqual([
      {
        headings: ['Guide', 'Setup', 'Linux'],
        anchor: 'linux',
        body: 'Use apt.',
      },
    ]);
  });

  it('makes anchors as GitHub does for headings with code spans, punctuation and links', () => {
    expect(
      anchors(
        [
          '## The `--dns01-recursive-nameservers` flag',
          'a',
          "## What's new? (v1.2)",
          'b',
          '## C++ & Go',
          'c',
          '## See [the docs](https://example.com/docs)',
          'd',
          '## **Bold** and _emphasis_',
          'e',
          '## Übersicht',
          'f',
        ].join('\n\n'),
      ),
    ).toEqual([
      'the---dns01-recursive-nameservers-flag',
      'whats-new-v12',
      'c--go',
      'see-the-docs',
      'bold-and-emphasis',
      'übersicht',
    ]);
  });

  it('keeps the underscores of identifiers in anchors and heading paths, as GitHub does', () => {
    const { sections } = parseMarkdown(
      '## `AWS_ACCESS_KEY_ID`\n\nThe key id.\n\n## snake_case_names\n\nMore.',
    );
    expect(sections.map(s => s.anchor)).toEqual([
      'aws_access_key_id',
      'snake_case_names',
    ]);
    expect(sections[0].headings).toEqual(['AWS_ACCESS_KEY_ID']);
  });

  it('numbers repeated headings -1, -2 as GitHub does, also against a heading that already ends so', () => {
    expect(
      anchors(
        [
          '## Example',
          'a',
          '### Example',
          'b',
          '## Example-1',
          'c',
          '## Example',
          'd',
        ].join('\n\n'),
      ),
    ).toEqual(['example', 'example-1', 'example-1-1', 'example-2']);
  });

  it('uses an explicit {#id} anchor and leaves it out of the heading text', () => {
    const { sections } = parseMarkdown(
      '## Configure TLS {#tls}\n\nSet the secret.\n\n## Configure TLS\n\nAgain.\n\n## Options { #opts .class }\n\nMore.',
    );
    expect(sections.map(s => [s.headings[0], s.anchor])).toEqual([
      ['Configure TLS', 'tls'],
      // The explicit anchor did not take the generated one.
      ['Configure TLS', 'configure-tls'],
      ['Options', 'opts'],
    ]);
  });

  it('does not take lines inside fenced code for headings', () => {
    const { sections } = parseMarkdown(
      [
        '# Shell',
        'Run this:',
        '```bash',
        '# install the tools',
        'make tools',
        '```',
        '~~~~',
        '## also not a heading',
        '```',
        '# still in the tilde fence',
        '~~~~',
        'After the code.',
      ].join('\n'),
    );
    expect(sections).toHaveLength(1);
    expect(sections[0].headings).toEqual(['Shell']);
    expect(sections[0].body).toContain('# install the tools');
    expect(sections[0].body).toContain('## also not a heading');
    expect(sections[0].body).toContain('# still in the tilde fence');
    expect(sections[0].body).toContain('After the code.');
  });

  it('reads the title and description of YAML front matter and keeps them out of the text', () => {
    const parsed = parseMarkdown(
      '---\ntitle: "Issuer setup"\ndescription: Configure ACME issuers.\ntags: [tls]\n---\n\nFirst paragraph.\n\n## Next\n\nMore.',
    );
    expect(parsed.title).toBe('Issuer setup');
    expect(parsed.description).toBe('Configure ACME issuers.');
    expect(parsed.sections.map(s => s.body)).toEqual([
      'First paragraph.',
      'More.',
    ]);
  });

  it('keeps front matter that is not YAML out of the text too', () => {
    const parsed = parseMarkdown('---\n: [unclosed\n---\nBody.');
    expect(parsed.title).toBeUndefined();
    expect(parsed.sections.map(s => s.body)).toEqual(['Body.']);
  });

  it('takes a thematic break later in the text for text, not front matter', () => {
    const parsed = parseMarkdown('Intro.\n\n---\ntitle: no\n---\n\nEnd.');
    expect(parsed.title).toBeUndefined();
    expect(parsed.sections[0].body).toContain('title: no');
  });

  it('drops HTML and JSX comments and admonition fences but keeps the admonition text', () => {
    const { sections } = parseMarkdown(
      [
        '# Notes',
        '<!-- TODO: rewrite this page -->',
        '{/* editor note: hidden */}',
        ':::warning Careful',
        'Back up the database first.',
        ':::',
        '<!--',
        '# commented-out heading',
        '-->',
      ].join('\n'),
    );
    expect(sections).toEqual([
      {
        headings: ['Notes'],
        anchor: 'notes',
        body: 'Back up the database first.',
      },
    ]);
  });
});
