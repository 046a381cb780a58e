import { createChunker } from './chunking';
import { keywordText } from './keywordText';
import { parseMarkdown } from './markdownSections';

// Ingested files are anyone's text: heading, comment and identifier patterns must stay linear
// in the file's size, or one file stalls the backend's event loop (security review item 6).
const MB = 1_000_000;
const adversarial: Record<string, string> = {
  'unclosed HTML comments': '<!--'.repeat(MB / 4),
  'unclosed JSX comments': '{/*'.repeat(MB / 3),
  'a heading of brackets': `# ${'['.repeat(MB)}`,
  'a heading with a long run of spaces': `# a${' '.repeat(MB)}b`,
  'one long word': 'a'.repeat(MB),
  'a long run of separators': `${'-'.repeat(MB)}a`,
  'one long camelCase word': 'aB'.repeat(MB / 2),
  'unclosed links in a heading': `# ${'[a]('.repeat(MB / 4)}`,
};

describe('Event-loop stalls from regular expressions: markdown and identifiers', () => {
  it.each(Object.entries(adversarial))(
    'parses and indexes 1 MB of %s in well under a second',
    (_name, text) => {
      // Warm up the patterns once, so the measurement is of the work.
      parseMarkdown(text.slice(0, 1000));
      keywordText(text.slice(0, 1000));
      const started = performance.now();
      parseMarkdown(text);
      keywordText(text);
      expect(performance.now() - started).toBeLessThan(1000);
    },
  );

  it('chunks a 1 MB adversarial markdown document without stalling', async () => {
    const chunker = createChunker({ chunkSize: 500, chunkOverlap: 50 });
    const text = `# Title\n${'<!--x'.repeat(MB / 10)}\n## ${'[('.repeat(1000)}\n`;
    const started = performance.now();
    await chunker({
      id: 'x',
      title: 'x',
      url: 'https://example.com/x',
      content: text,
      markdown: true,
      public: true,
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
