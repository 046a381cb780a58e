import type { Config } from '@backstage/config';
import { minimatch } from 'minimatch';

/**
 * Files a repository ingestor reads when `include` is not configured: markdown anywhere and
 * everything under a top-level `docs/` folder (binary files there are skipped by content).
 *
 * @public
 */
export const DEFAULT_INCLUDE_GLOBS: readonly string[] = [
  '**/*.md',
  '**/*.mdx',
  'docs/**',
];

/**
 * Largest file, in bytes, a repository ingestor downloads when `maxFileSize` is not
 * configured: 512 KiB. Larger files are rarely prose and would flood the index.
 *
 * @public
 */
export const DEFAULT_MAX_FILE_SIZE = 512 * 1024;

/**
 * Which files of a repository to ingest.
 *
 * @public
 */
export interface RepositoryFileFilterOptions {
  /** Globs of paths to read, relative to the repository root. */
  include?: readonly string[];
  /** Globs of paths to leave out even when included. */
  exclude?: readonly string[];
  /** Largest file to read, in bytes. */
  maxFileSize?: number;
}

/**
 * Decides from path and size alone, before any download, whether a file is worth reading.
 *
 * @public
 */
export interface RepositoryFileFilter {
  /** Whether a file at this path (relative, no leading slash) and of this size is read. */
  accepts(path: string, size?: number): boolean;
  /** The size limit in bytes. */
  readonly maxFileSize: number;
}

/**
 * Creates a {@link RepositoryFileFilter}. Globs are matched with `minimatch`, case-insensitively
 * (so `README.MD` counts as markdown), and do not match dot folders such as `.github/` unless
 * a glob names them. Paths with a known binary extension are never accepted.
 *
 * @public
 */
export function createRepositoryFileFilter(
  options: RepositoryFileFilterOptions = {},
): RepositoryFileFilter {
  const globOptions = { nocase: true, dot: false };
  const toMatchers = (globs: readonly string[]) =>
    globs.map(glob => new minimatch.Minimatch(glob, globOptions));
  const include = toMatchers(options.include ?? DEFAULT_INCLUDE_GLOBS);
  const exclude = toMatchers(options.exclude ?? []);
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  return {
    maxFileSize,
    accepts(path, size) {
      const relative = path.replace(/^\/+/, '');
      if (size !== undefined && size > maxFileSize) return false;
      if (hasBinaryExtension(relative)) return false;
      return (
        include.some(m => m.match(relative)) &&
        !exclude.some(m => m.match(relative))
      );
    },
  };
}

/**
 * Reads the file selection keys every repository ingestor shares (`include`, `exclude`,
 * `maxFileSize`) from its config block, e.g. `aiAssistant.ingestors.github`.
 *
 * @public
 */
export function readRepositoryFileFilterOptions(
  config: Config | undefined,
): RepositoryFileFilterOptions {
  const maxFileSize = config?.getOptionalNumber('maxFileSize');
  if (maxFileSize !== undefined && !(maxFileSize > 0)) {
    throw new Error(
      `Invalid config: maxFileSize must be a positive number of bytes, got ${maxFileSize}`,
    );
  }
  return {
    include: config?.getOptionalStringArray('include'),
    exclude: config?.getOptionalStringArray('exclude'),
    maxFileSize,
  };
}

/**
 * Whether a path is markdown by its extension (`.md`, `.mdx`, `.markdown`).
 *
 * @public
 */
export function isMarkdownPath(path: string): boolean {
  return /\.(md|mdx|markdown)$/i.test(path);
}

const BINARY_EXTENSIONS = new Set(
  (
    'png jpg jpeg gif bmp ico webp tif tiff psd svgz heic avif ' +
    'pdf doc docx xls xlsx ppt pptx odt ods odp ' +
    'zip gz tgz bz2 xz 7z rar tar jar war ear whl ' +
    'exe dll so dylib bin o a class pyc wasm ' +
    'mp3 mp4 m4a wav ogg flac mov avi mkv webm ' +
    'woff woff2 ttf otf eot ' +
    'sqlite db lock'
  ).split(' '),
);

/**
 * Whether a path has an extension of a well-known binary format, so it can be skipped
 * without downloading it.
 *
 * @public
 */
export function hasBinaryExtension(path: string): boolean {
  const match = /\.([^./]+)$/.exec(path);
  return match ? BINARY_EXTENSIONS.has(match[1].toLowerCase()) : false;
}

/**
 * Decodes file content as UTF-8 text, or returns `undefined` when it is binary: it has a NUL
 * byte anywhere (which no Postgres text can hold, so one such file would fail every write of
 * it) or is not valid UTF-8.
 *
 * @public
 */
export function decodeTextFile(content: Uint8Array): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
      content,
    );
  } catch {
    return undefined;
  }
}
