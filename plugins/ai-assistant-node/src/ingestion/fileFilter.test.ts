import { ConfigReader } from '@backstage/config';
import {
  createRepositoryFileFilter,
  decodeTextFile,
  isMarkdownPath,
  readRepositoryFileFilterOptions,
} from './fileFilter';

describe('createRepositoryFileFilter', () => {
  it('reads markdown anywhere and everything under docs/ by default', () => {
    const filter = createRepositoryFileFilter();
    expect(filter.accepts('README.md')).toBe(true);
    expect(filter.accepts('packages/a/GUIDE.MDX')).toBe(true);
    expect(filter.accepts('docs/setup.txt')).toBe(true);
    expect(filter.accepts('src/index.ts')).toBe(false);
    expect(filter.accepts('.github/PULL_REQUEST_TEMPLATE.md')).toBe(false);
  });

  it('never accepts files with a binary extension, even under docs/', () => {
    const filter = createRepositoryFileFilter();
    expect(filter.accepts('docs/diagram.png')).toBe(false);
    expect(filter.accepts('docs/manual.PDF')).toBe(false);
  });

  it('leaves out excluded paths and files above the size limit', () => {
    const filter = createRepositoryFileFilter({
      include: ['**/*.md', 'src/**/*.ts'],
      exclude: ['**/CHANGELOG.md'],
      maxFileSize: 100,
    });
    expect(filter.accepts('src/a/b.ts', 100)).toBe(true);
    expect(filter.accepts('src/a/b.ts', 101)).toBe(false);
    expect(filter.accepts('packages/x/CHANGELOG.md', 10)).toBe(false);
    expect(filter.maxFileSize).toBe(100);
  });

  it('matches paths given with a leading slash, as Azure DevOps gives them', () => {
    expect(createRepositoryFileFilter().accepts('/docs/intro.md')).toBe(true);
  });
});

describe('readRepositoryFileFilterOptions', () => {
  it('reads include, exclude and maxFileSize, and nothing when absent', () => {
    expect(
      readRepositoryFileFilterOptions(
        new ConfigReader({
          include: ['**/*.txt'],
          exclude: ['tmp/**'],
          maxFileSize: 10,
        }),
      ),
    ).toEqual({ include: ['**/*.txt'], exclude: ['tmp/**'], maxFileSize: 10 });
    expect(readRepositoryFileFilterOptions(undefined)).toEqual({
      include: undefined,
      exclude: undefined,
      maxFileSize: undefined,
    });
  });

  it('rejects a size limit that is not positive', () => {
    expect(() =>
      readRepositoryFileFilterOptions(new ConfigReader({ maxFileSize: 0 })),
    ).toThrow(/maxFileSize/);
  });
});

describe('decodeTextFile', () => {
  it('decodes UTF-8 text and refuses binary content', () => {
    expect(decodeTextFile(Buffer.from('# Grüße\n'))).toBe('# Grüße\n');
    expect(decodeTextFile(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]))).toBe(
      undefined,
    );
    expect(decodeTextFile(Buffer.from([0xc3, 0x28]))).toBe(undefined);
  });
});

describe('one poisoned file stops an ingestor forever', () => {
  it('one poisoned file: decodeTextFile refuses a NUL byte after the first 8 KiB, which no database text can hold', () => {
    const late = Buffer.concat([
      Buffer.from(`# Notes\n${'x'.repeat(9000)}`),
      Buffer.from([0]),
      Buffer.from('tail'),
    ]);
    expect(decodeTextFile(late)).toBe(undefined);
  });
});

describe('isMarkdownPath', () => {
  it('knows markdown by extension', () => {
    expect(isMarkdownPath('a/README.md')).toBe(true);
    expect(isMarkdownPath('a/page.MDX')).toBe(true);
    expect(isMarkdownPath('docs/notes.txt')).toBe(false);
  });
});
