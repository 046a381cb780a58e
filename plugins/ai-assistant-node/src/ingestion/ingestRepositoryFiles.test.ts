import { collectIngestorRun } from '../testUtils/ingestorConformance';
import { createRepositoryFileFilter } from './fileFilter';
import {
  ingestRepositoryFiles,
  type RepositoryFile,
} from './ingestRepositoryFiles';

const contents: Record<string, Buffer> = {
  a: Buffer.from('# A'),
  b: Buffer.from('# B'),
  bin: Buffer.from([1, 0, 2]),
};

function ingestorOver(
  files: RepositoryFile[],
  skippedBlobs = new Set<string>(),
) {
  const download = jest.fn(
    async (file: RepositoryFile) => contents[file.blobId],
  );
  return {
    download,
    ingestor: {
      id: 'test',
      ingest: (context: any) =>
        ingestRepositoryFiles({
          files,
          context,
          filter: createRepositoryFileFilter(),
          skippedBlobs,
          download,
          toDocument: (file, content) => ({
            id: file.id,
            title: file.path,
            url: `/${file.path}`,
            content,
            version: file.version,
          }),
        }),
    },
  };
}

const files: RepositoryFile[] = [
  { id: 'a', path: 'a.md', blobId: 'a', version: 'a' },
  { id: 'b', path: 'docs/b.md', blobId: 'b', version: 'b' },
  { id: 'bin', path: 'docs/bin.txt', blobId: 'bin', version: 'bin' },
  { id: 'code', path: 'src/code.ts', blobId: 'a', version: 'x' },
];

describe('ingestRepositoryFiles', () => {
  it('keeps files whose version is known and downloads only the others', async () => {
    const { ingestor, download } = ingestorOver(files);
    const run = await collectIngestorRun(ingestor, {
      knownVersions: new Map([['a', 'a']]),
    });
    expect(run.kept).toEqual(['a']);
    expect(run.documents.map(d => d.id)).toEqual(['b']);
    expect(download.mock.calls.map(([f]) => f.id)).toEqual(['b', 'bin']);
  });

  it('one poisoned file: a file that cannot become a document is reported and skipped, and the rest go on', async () => {
    const download = jest.fn(
      async (file: RepositoryFile) => contents[file.blobId],
    );
    const ingestor = {
      id: 'test',
      ingest: (context: any) =>
        ingestRepositoryFiles({
          files,
          context,
          filter: createRepositoryFileFilter(),
          skippedBlobs: new Set<string>(),
          download,
          toDocument: (file, content) => {
            if (file.id === 'a') throw new URIError('URI malformed');
            return { id: file.id, title: file.path, url: '/x', content };
          },
        }),
    };
    const run = await collectIngestorRun(ingestor);
    expect(run.documents.map(d => d.id)).toEqual(['b']);
    expect(run.errors).toEqual([
      { documentId: 'a', error: expect.stringContaining('URI malformed') },
    ]);
  });

  it('one poisoned file: a failed download still fails the run, so an outage prunes nothing', async () => {
    const ingestor = {
      id: 'test',
      ingest: (context: any) =>
        ingestRepositoryFiles({
          files,
          context,
          filter: createRepositoryFileFilter(),
          skippedBlobs: new Set<string>(),
          download: async () => {
            throw new Error('GitHub answered 502');
          },
          toDocument: (file, content) => ({
            id: file.id,
            title: file.path,
            url: '/x',
            content,
          }),
        }),
    };
    await expect(collectIngestorRun(ingestor)).rejects.toThrow(/502/);
  });

  it('remembers binary blobs so the next run does not download them', async () => {
    const skipped = new Set<string>();
    await collectIngestorRun(ingestorOver(files, skipped).ingestor);
    const { ingestor, download } = ingestorOver(files, skipped);
    await collectIngestorRun(ingestor);
    expect(download.mock.calls.map(([f]) => f.id)).toEqual(['a', 'b']);
  });
});
