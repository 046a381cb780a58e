/** The href a citation link gets; {@link Markdown} turns it into a link to the source. */
export const CITATION_HREF_PREFIX = '#ai-assistant-citation-';

// The few mdast shapes this plugin touches, to avoid a dependency on @types/mdast.
interface MdNode {
  type: string;
  value?: string;
  url?: string;
  children?: MdNode[];
}

const CITATION = /\[(\d{1,3})\]/g;
const HAS_CITATION = /\[\d{1,3}\]/;

// Code, links and raw HTML keep their text as written: `arr[1]` in code is no citation.
const LEAVE_ALONE = new Set([
  'code',
  'inlineCode',
  'link',
  'linkReference',
  'html',
]);

function splitCitations(text: string): MdNode[] {
  const nodes: MdNode[] = [];
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    const index = match.index ?? 0;
    if (index > last) {
      nodes.push({ type: 'text', value: text.slice(last, index) });
    }
    nodes.push({
      type: 'link',
      url: `${CITATION_HREF_PREFIX}${match[1]}`,
      children: [{ type: 'text', value: match[0] }],
    });
    last = index + match[0].length;
  }
  if (last < text.length) {
    nodes.push({ type: 'text', value: text.slice(last) });
  }
  return nodes;
}

function transform(node: MdNode): void {
  if (!node.children || LEAVE_ALONE.has(node.type)) {
    return;
  }
  node.children = node.children.flatMap(child => {
    if (
      child.type === 'text' &&
      child.value &&
      HAS_CITATION.test(child.value)
    ) {
      return splitCitations(child.value);
    }
    transform(child);
    return [child];
  });
}

/**
 * A remark plugin that turns the numbered citations the prompt asks for (`[1]`, `[2]`, ...)
 * into links, so the renderer can point each at its source. Markdown leaves `[1]` as plain
 * text when no reference definition exists, which is what model output looks like.
 */
export function remarkCitations() {
  return (tree: MdNode) => transform(tree);
}
