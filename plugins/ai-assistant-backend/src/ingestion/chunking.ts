import type { IngestionDocument } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { createHash } from 'node:crypto';
import { parseMarkdown } from './markdownSections';

/**
 * Version of the chunking rules. It is part of every document's hash, so a change to how
 * documents are cut re-chunks them on the next run (vectors of unchanged chunks are kept).
 */
const CHUNKER_VERSION = 2;

/** How documents are cut into chunks. */
export interface ChunkingOptions {
  /** Characters per chunk. */
  chunkSize: number;
  /** Characters shared by neighbouring chunks. */
  chunkOverlap: number;
}

/** A piece of a document that knows where in the document it is. */
export interface Chunk {
  /** The chunk's own text, as the prompt quotes it. */
  content: string;
  /**
   * Where the chunk is: the document's title, the front matter's title when it differs,
   * then the heading path (`Installation > Helm > Upgrading`). Embedded and indexed with the
   * chunk, so that a chunk deep in a section still matches what its section is about.
   */
  title: string;
  headings: string[];
  /** The fragment of the chunk's section (`#upgrading`), for citations that open it. */
  anchor?: string;
}

/** Splits a document into chunks: along headings for markdown, paragraphs otherwise. */
export type Chunker = (document: IngestionDocument) => Promise<Chunk[]>;

/** Creates the chunker for the configured sizes. */
export function createChunker(options: ChunkingOptions): Chunker {
  const plain = new RecursiveCharacterTextSplitter(options);
  const markdown = RecursiveCharacterTextSplitter.fromLanguage(
    'markdown',
    options,
  );
  const split = async (
    splitter: RecursiveCharacterTextSplitter,
    text: string,
  ) =>
    (await splitter.splitText(text))
      .map(chunk => chunk.trim())
      .filter(chunk => chunk.length > 0);

  return async document => {
    if (!document.markdown) {
      return (await split(plain, document.content)).map(content => ({
        content,
        title: document.title,
        headings: [],
      }));
    }
    const parsed = parseMarkdown(document.content);
    const title =
      parsed.title && parsed.title !== document.title
        ? `${document.title} — ${parsed.title}`
        : document.title;
    const chunks: Chunk[] = [];
    for (const [index, section] of parsed.sections.entries()) {
      // The front matter's description says what the page is about: it leads its first part.
      const body =
        index === 0 && parsed.description
          ? `${parsed.description}\n\n${section.body}`
          : section.body;
      for (const content of await split(markdown, body)) {
        chunks.push({
          content,
          title,
          headings: section.headings,
          anchor: section.anchor,
        });
      }
    }
    if (chunks.length === 0 && parsed.description) {
      chunks.push({ content: parsed.description, title, headings: [] });
    }
    return chunks;
  };
}

/**
 * The text a chunk is embedded as: where it is, then what it says. Documents embedded this
 * way retrieve better than bare chunks ("contextual chunk headers"), because a chunk's own
 * words rarely name the component or page it belongs to.
 */
export function embeddingText(chunk: Chunk): string {
  const where = [chunk.title, chunk.headings.join(' > ')].filter(Boolean);
  return `${where.join('\n')}\n\n${chunk.content}`;
}

/** sha256 of a text, hex encoded. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Hash of everything that shapes a document's stored chunks. When it is unchanged since the
 * last run (and the model too), the document is skipped without chunking or embedding.
 */
export function hashDocument(
  document: IngestionDocument,
  options: ChunkingOptions & { textSearchConfig?: string },
): string {
  return sha256(
    JSON.stringify([
      CHUNKER_VERSION,
      options.chunkSize,
      options.chunkOverlap,
      options.textSearchConfig ?? 'english',
      document.title,
      document.url,
      document.entityRef ?? null,
      // Only when set, so hashes of documents with one guard stay as they were.
      ...(document.entityRefs ? [document.entityRefs] : []),
      document.markdown ?? false,
      document.sectionAnchors ?? true,
      document.metadata ?? {},
      document.content,
    ]),
  );
}
