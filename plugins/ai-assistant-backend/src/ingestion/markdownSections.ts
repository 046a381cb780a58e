import { parse as parseYaml } from 'yaml';

/** A part of a markdown document under one heading, with the headings above it. */
export interface MarkdownSection {
  /** Heading texts from the outermost to this section's own; empty before the first heading. */
  headings: string[];
  /** Fragment identifier of the section's heading, as GitHub and most doc sites render it. */
  anchor?: string;
  /** The section's text without its heading line. */
  body: string;
}

/** A markdown document cut at its headings, with its front matter read. */
export interface ParsedMarkdown {
  /** `title` of the YAML front matter, if any. */
  title?: string;
  /** `description` of the YAML front matter, if any. */
  description?: string;
  sections: MarkdownSection[];
}

const FRONT_MATTER =
  /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// `## Heading {#custom-id}`: the explicit anchor of Pandoc, MkDocs (attr_list), Hugo and MDX sites.
const EXPLICIT_ANCHOR = /[ \t]*\{[ \t]*#([^\s}]+)[^}]*\}[ \t]*$/;
// Markup that carries no words: HTML and JSX comments, admonition fences (`:::note`).
const COMMENTS: Array<[string, string]> = [
  ['<!--', '-->'],
  ['{/*', '*/}'],
];
const ADMONITION_FENCE = /^[ \t]*:::[^\n]*$/gm;
// Headings are short; a longer line is text. It also keeps the heading pattern, whose
// optional closing `#`s backtrack, linear in the file's size.
const MAX_HEADING_LINE = 500;

/**
 * Heading anchors as GitHub renders them (and Docusaurus, which follows it): lower case,
 * punctuation dropped, spaces as hyphens, repeats numbered `-1`, `-2`…
 */
class Slugger {
  private readonly seen = new Map<string, number>();

  slug(text: string): string {
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    while (this.seen.has(slug)) {
      const count = this.seen.get(base)! + 1;
      this.seen.set(base, count);
      slug = `${base}-${count}`;
    }
    this.seen.set(slug, 0);
    return slug;
  }
}

/**
 * Splits markdown into sections at its ATX headings (`#` to `######`, not inside fenced code),
 * after taking off YAML front matter. Each section knows its heading path and anchor, so a
 * chunk of it can say where it is and a citation can link to it.
 */
export function parseMarkdown(markdown: string): ParsedMarkdown {
  let text = markdown;
  let title: string | undefined;
  let description: string | undefined;
  const frontMatter = FRONT_MATTER.exec(text);
  if (frontMatter) {
    text = text.slice(frontMatter[0].length);
    const fields = readFrontMatter(frontMatter[1]);
    title = fields.title;
    description = fields.description;
  }
  for (const [open, close] of COMMENTS) {
    text = removeBetween(text, open, close);
  }
  text = text.replace(ADMONITION_FENCE, '');

  const sections: MarkdownSection[] = [];
  const path: Array<{ level: number; text: string }> = [];
  const slugs = new Slugger();
  let current: MarkdownSection = { headings: [], body: '' };
  let body: string[] = [];
  let fence: string | undefined;
  const close = () => {
    current.body = body.join('\n').trim();
    if (current.body) sections.push(current);
    body = [];
  };
  for (const line of text.split(/\r?\n/)) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (
        fenceMatch &&
        fenceMatch[1][0] === fence[0] &&
        fenceMatch[1].length >= fence.length
      ) {
        fence = undefined;
      }
      body.push(line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      body.push(line);
      continue;
    }
    const heading =
      line.length <= MAX_HEADING_LINE ? ATX_HEADING.exec(line) : null;
    if (!heading) {
      body.push(line);
      continue;
    }
    close();
    const level = heading[1].length;
    let raw = heading[2] ?? '';
    const explicit = EXPLICIT_ANCHOR.exec(raw);
    if (explicit) raw = raw.slice(0, explicit.index);
    const headingText = inlineText(raw);
    while (path.length > 0 && path[path.length - 1].level >= level) path.pop();
    path.push({ level, text: headingText });
    current = {
      headings: path.map(entry => entry.text).filter(Boolean),
      anchor: explicit ? explicit[1] : slugs.slug(headingText),
      body: '',
    };
  }
  close();
  return { title, description, sections };
}

/**
 * The text without every `open`…`close` span (an unclosed one runs to the end, as in HTML),
 * in one pass: a lazy regular expression would rescan the rest of the file from every
 * unclosed `open`, quadratic on an adversarial file.
 */
function removeBetween(text: string, open: string, close: string): string {
  const kept: string[] = [];
  let at = 0;
  for (;;) {
    const start = text.indexOf(open, at);
    if (start < 0) break;
    kept.push(text.slice(at, start));
    const end = text.indexOf(close, start + open.length);
    if (end < 0) return kept.join('');
    at = end + close.length;
  }
  kept.push(text.slice(at));
  return kept.join('');
}

function readFrontMatter(yaml: string): {
  title?: string;
  description?: string;
} {
  try {
    const fields = parseYaml(yaml);
    if (!fields || typeof fields !== 'object') return {};
    const text = (value: unknown) =>
      typeof value === 'string' && value.trim() ? value.trim() : undefined;
    return { title: text(fields.title), description: text(fields.description) };
  } catch {
    // Front matter that is not YAML is still not content.
    return {};
  }
}

/** The text a reader sees of inline markdown: code, emphasis and link markup removed. */
export function inlineText(markdown: string): string {
  return (
    markdown
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*~]+/g, '')
      // `_` marks emphasis only at a word's edge; inside `snake_case` it is text.
      .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
