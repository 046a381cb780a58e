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

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * Plain text of the HTML MkDocs puts in `text`: tags dropped, block ends as line breaks,
 * entities decoded, blank runs collapsed.
 *
 * @public
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|pre|tr|table|ul|ol|blockquote)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, code: string) => {
      if (code[0] === '#') {
        const n =
          code[1] === 'x' || code[1] === 'X'
            ? parseInt(code.slice(2), 16)
            : parseInt(code.slice(1), 10);
        return Number.isFinite(n) && n > 0 && n <= 0x10ffff
          ? String.fromCodePoint(n)
          : match;
      }
      return ENTITIES[code.toLowerCase()] ?? match;
    })
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
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
