import { Parser } from 'htmlparser2';

/**
 * One entry of an MkDocs search index (`search/search_index.json`): a page (location
 * `page/`) or a section of one (location `page/#anchor`).
 *
 * @public
 */
export interface MkDocsSearchEntry {
  location: string;
  title: string;
  text: string;
}

/**
 * A section worth a document: its page's title, its own title, plain text and location.
 *
 * @public
 */
export interface DocsSection {
  location: string;
  pageTitle: string;
  title: string;
  text: string;
}

// Elements whose end is a line break in the text.
const BLOCKS = new Set([
  'p',
  'div',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'tr',
  'table',
  'ul',
  'ol',
  'blockquote',
]);
// Elements whose content is code or styling, never text.
const DROPPED = new Set(['script', 'style']);

/**
 * Plain text of the HTML MkDocs puts in `text`: tags dropped, block ends as line breaks,
 * entities decoded, blank runs collapsed, scripts and styles left out.
 *
 * Parsed with htmlparser2, in time linear in the input: the HTML comes from whatever a
 * repository's docs contain, and regular expressions over unclosed tags backtracked for
 * minutes on a crafted page, blocking the backend meanwhile.
 *
 * @public
 */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  let insideDropped = false;
  const parser = new Parser(
    {
      onopentag(name) {
        if (DROPPED.has(name)) {
          insideDropped = true;
        } else if (name === 'br') {
          parts.push('\n');
        }
      },
      onclosetag(name) {
        if (DROPPED.has(name)) {
          insideDropped = false;
        } else if (BLOCKS.has(name)) {
          parts.push('\n');
        }
      },
      ontext(text) {
        if (!insideDropped) {
          parts.push(text);
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  // Each pattern matches runs without backtracking into them: linear too.
  return parts
    .join('')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The sections of a search index. MkDocs also indexes each page as a whole, repeating the text
 * of its sections, so a page entry is used only when the page has no section entries. Entries
 * without text are dropped.
 *
 * @public
 */
export function searchIndexSections(
  entries: MkDocsSearchEntry[],
): DocsSection[] {
  const pageOf = (location: string) => location.split('#')[0];
  const pageTitles = new Map<string, string>();
  const pagesWithSections = new Set<string>();
  for (const entry of entries) {
    if (entry.location.includes('#')) {
      pagesWithSections.add(pageOf(entry.location));
    } else {
      pageTitles.set(entry.location, entry.title);
    }
  }
  const sections: DocsSection[] = [];
  for (const entry of entries) {
    const page = pageOf(entry.location);
    const isPage = !entry.location.includes('#');
    if (isPage && pagesWithSections.has(page)) {
      continue;
    }
    const text = htmlToText(entry.text ?? '');
    if (!text) {
      continue;
    }
    sections.push({
      location: entry.location,
      pageTitle: pageTitles.get(page) ?? entry.title,
      title: htmlToText(entry.title ?? '') || page || 'Home',
      text,
    });
  }
  return sections;
}

/** Whether a parsed body looks like an MkDocs search index. */
export function isSearchIndex(
  body: unknown,
): body is { docs: MkDocsSearchEntry[] } {
  const docs = (body as { docs?: unknown } | null)?.docs;
  return (
    Array.isArray(docs) &&
    docs.every(
      d =>
        d &&
        typeof d === 'object' &&
        typeof (d as MkDocsSearchEntry).location === 'string',
    )
  );
}
