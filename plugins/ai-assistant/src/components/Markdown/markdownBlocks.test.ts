import { markdownBlocks } from './markdownBlocks';

describe('markdownBlocks', () => {
  it('splits paragraphs, headings, lists and tables at blank lines', () => {
    expect(
      markdownBlocks(
        '## Setup\n\nSet the timeout [1].\n\n- one\n- two\n\n| a | b |\n| --- | --- |\n| 1 | 2 |',
      ),
    ).toEqual([
      '## Setup\n',
      'Set the timeout [1].\n',
      '- one\n- two\n',
      '| a | b |\n| --- | --- |\n| 1 | 2 |',
    ]);
  });

  it('keeps a fenced code block with blank lines in it whole, also while it is still open', () => {
    const code = '```yaml\npayments:\n\n  timeout: 30s\n```';
    expect(markdownBlocks(`Intro.\n\n${code}\n\nAfter.`)).toEqual([
      'Intro.\n',
      `${code}\n`,
      'After.',
    ]);
    expect(markdownBlocks('Intro.\n\n~~~\na\n\nb')).toEqual([
      'Intro.\n',
      '~~~\na\n\nb',
    ]);
  });

  it('keeps the indented continuation of a list item with its item', () => {
    expect(
      markdownBlocks('1. First\n\n   more of the first\n2. Second'),
    ).toEqual(['1. First\n\n   more of the first\n2. Second']);
  });
});
