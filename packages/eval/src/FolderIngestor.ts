import type {
  IngestionDocument,
  Ingestor,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';

const MARKDOWN = new Set(['.md', '.mdx', '.markdown']);
const TEXT = new Set(['.txt']);

/**
 * Yields every markdown and text file under a folder as one document, its id the path
 * relative to the folder (with `/`), as the golden set's `gold_path` names it. The files are
 * read as an ingestor of a repository would hand them to the core: title is the path, the
 * content is unmodified.
 */
export class FolderIngestor implements Ingestor {
  readonly id = 'eval';

  constructor(private readonly root: string) {}

  /** The paths of the files that become documents, sorted. */
  async files(): Promise<string[]> {
    const entries = await readdir(this.root, {
      recursive: true,
      withFileTypes: true,
    });
    return entries
      .filter(entry => entry.isFile())
      .map(entry => join(entry.parentPath ?? entry.path, entry.name))
      .filter(path => {
        const extension = extname(path).toLowerCase();
        return MARKDOWN.has(extension) || TEXT.has(extension);
      })
      .map(path => relative(this.root, path).split(sep).join('/'))
      .sort();
  }

  async *ingest(): AsyncIterable<IngestionDocument> {
    for (const id of await this.files()) {
      yield {
        id,
        title: id,
        url: `file:///${id}`,
        content: await readFile(join(this.root, id), 'utf8'),
        markdown: MARKDOWN.has(extname(id).toLowerCase()),
        // A folder on the evaluator's disk: every question may see every document.
        public: true,
      };
    }
  }
}
