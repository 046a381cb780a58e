import type { IngestionDocument, IngestorContext } from '../ingestors';
import { decodeTextFile, type RepositoryFileFilter } from './fileFilter';

/**
 * A file of a repository listing, before its content is downloaded.
 *
 * @public
 */
export interface RepositoryFile {
  /** The document id it becomes. */
  id: string;
  /** Its path in the repository. */
  path: string;
  /** Its content address, e.g. a git blob sha. */
  blobId: string;
  /** The document version, compared with the known version to skip downloading. */
  version: string;
  /** Its size in bytes, when the listing tells. */
  size?: number;
}

/**
 * Options of {@link ingestRepositoryFiles}.
 *
 * @public
 */
export interface IngestRepositoryFilesOptions<F extends RepositoryFile> {
  files: Iterable<F>;
  context: IngestorContext;
  filter: RepositoryFileFilter;
  /** Downloads the bytes of a file. */
  download(file: F): Promise<Uint8Array>;
  /** Turns a file and its text into the document to yield. */
  toDocument(file: F, content: string): IngestionDocument;
  /**
   * Blob ids found binary or too large after downloading, which later runs of the same
   * ingestor skip without downloading. Keep one set per ingestor instance.
   */
  skippedBlobs: Set<string>;
}

const MAX_SKIPPED_BLOBS = 100_000;

/**
 * The incremental file loop repository ingestors share: files the filter refuses are skipped,
 * files whose version equals the stored one are kept without downloading, the rest are
 * downloaded, and binary or oversized content is dropped (and remembered). A file that cannot
 * become a document is reported with `context.reportError` and skipped; a failed download
 * fails the run. Yields nothing once the context's signal is aborted.
 *
 * @public
 */
export async function* ingestRepositoryFiles<F extends RepositoryFile>(
  options: IngestRepositoryFilesOptions<F>,
): AsyncGenerator<IngestionDocument> {
  const { context, filter, skippedBlobs } = options;
  for (const file of options.files) {
    if (context.signal.aborted) return;
    if (
      !filter.accepts(file.path, file.size) ||
      skippedBlobs.has(file.blobId)
    ) {
      continue;
    }
    if ((await context.getKnownVersion(file.id)) === file.version) {
      context.keep(file.id);
      continue;
    }
    // A download error concerns the source (outage, rate limit, token): it fails the run.
    const bytes = await options.download(file);
    const content =
      bytes.length <= filter.maxFileSize ? decodeTextFile(bytes) : undefined;
    if (content === undefined) {
      if (skippedBlobs.size >= MAX_SKIPPED_BLOBS) skippedBlobs.clear();
      skippedBlobs.add(file.blobId);
      continue;
    }
    if (context.signal.aborted) return;
    // Anything wrong with one file concerns that file only: report it and go on.
    let document: IngestionDocument;
    try {
      document = options.toDocument(file, content);
    } catch (error) {
      context.reportError(
        file.id,
        error instanceof Error ? error.message : String(error),
      );
      continue;
    }
    yield document;
  }
}
