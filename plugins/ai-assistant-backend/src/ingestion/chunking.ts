import type { IngestionDocument } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { createHash } from 'node:crypto';

/** How documents are cut into chunks. */
export interface ChunkingOptions {
  /** Characters per chunk. */
  chunkSize: number;
  /** Characters shared by neighbouring chunks. */
  chunkOverlap: number;
}

/** Splits a document's content into chunks: along headings for markdown, paragraphs otherwise. */
export type Chunker = (document: IngestionDocument) => Promise<string[]>;

/** Creates the chunker for the configured sizes. */
export function createChunker(options: ChunkingOptions): Chunker {
  const plain = new RecursiveCharacterTextSplitter(options);
  const markdown = RecursiveCharacterTextSplitter.fromLanguage(
    'markdown',
    options,
  );
  return async document => {
    const splitter = document.markdown ? markdown : plain;
    const chunks = await splitter.splitText(document.content);
    return chunks.map(chunk => chunk.trim()).filter(chunk => chunk.length > 0);
  };
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
  options: ChunkingOptions,
): string {
  return sha256(
    JSON.stringify([
      options.chunkSize,
      options.chunkOverlap,
      document.title,
      document.url,
      document.entityRef ?? null,
      document.markdown ?? false,
      document.metadata ?? {},
      document.content,
    ]),
  );
}
