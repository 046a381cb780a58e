// A fence opens or closes a code block: up to three spaces, then ``` or ~~~.
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits markdown into its top-level blocks (paragraphs, headings, lists, tables, code
 * blocks), each ending where a blank line is followed by an unindented line outside a fenced
 * code block. Rendered one by one, a streaming answer re-parses only its last, growing block
 * instead of the whole text for every token.
 */
export function markdownBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  let blank = false;
  for (const line of text.split('\n')) {
    const marker = FENCE.exec(line)?.[1];
    if (fence === undefined && blank && line !== '' && !/^[ \t]/.test(line)) {
      blocks.push(current.join('\n'));
      current = [];
    }
    current.push(line);
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
    }
    blank = line.trim() === '';
  }
  blocks.push(current.join('\n'));
  return blocks.filter(block => block.trim() !== '');
}
