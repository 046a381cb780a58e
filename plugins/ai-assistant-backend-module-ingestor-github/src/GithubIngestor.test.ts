import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  collectIngestorRun,
  runIngestorConformanceTests,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { readGithubIngestorConfig } from './config';
import { GithubIngestor } from './GithubIngestor';
import {
  type FakeGithubRepository,
  type GithubTestServer,
  startGithubTestServer,
} from './testUtils/githubTestServer';

// 250 repositories over loopback HTTP take a few seconds on a busy machine.
jest.setTimeout(60_000);

function createIngestor(
  server: GithubTestServer,
  github: object,
  entities: Entity[] = [],
) {
  const config = new ConfigReader({
    integrations: {
      github: [
        { host: 'github.com', apiBaseUrl: server.origin, token: 'gh-token' },
      ],
    },
    aiAssistant: { ingestors: { github } },
  });
  return GithubIngestor.fromConfig(config, {
    config: readGithubIngestorConfig(config)!,
    logger: mockServices.logger.mock(),
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities }),
  });
}

function repo(name: string, files: FakeGithubRepository['files'] = {}) {
  return {
    name,
    files: { 'README.md': `# ${name}\n\nAbout ${name}.`, ...files },
  };
}

/** A component naming repository `slug`, read by the catalog from repository `home`. */
function component(name: string, slug: string, home = slug): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'github.com/project-slug': slug,
        'backstage.io/managed-by-location': `url:https://github.com/${home}/blob/main/catalog-info.yaml`,
        'backstage.io/managed-by-origin-location': `url:https://github.com/${home}/blob/main/catalog-info.yaml`,
      },
    },
    spec: {},
  };
}

const mapped = component('payments', 'Acme/Repo-007', 'acme/repo-007');

describe('GithubIngestor', () => {
  let server: GithubTestServer;
  const names = Array.from(
    { length: 250 },
    (_, i) => `repo-${String(i).padStart(3, '0')}`,
  );

  beforeEach(async () => {
    server = await startGithubTestServer({
      acme: [
        ...names.map(name => repo(name)),
        repo('docs-site', {
          'docs/guide.txt': 'A plain text guide.',
          'docs/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]),
          'docs/data.txt': Buffer.from([0x41, 0, 0x42]),
          'docs/huge.md': `# Huge\n${'x'.repeat(2000)}`,
          'src/index.ts': 'export {};',
          'packages/api/CHANGELOG.md': '# Changes',
          'packages/api/Usage.MD': '# Usage',
        }),
        { ...repo('old'), archived: true },
        { ...repo('forked'), fork: true },
        { ...repo('nothing-yet'), empty: true },
      ],
      tools: [repo('cli', { 'docs/a b.md': '# Spaces' })],
    });
  });

  afterEach(() => server.close());

  it('ingests the README of all 250 repositories across three pages', async () => {
    const ingestor = createIngestor(server, {
      organizations: ['acme', 'tools'],
    });
    const { documents } = await collectIngestorRun(ingestor);

    const readmes = documents.filter(d =>
      d.id.match(/^acme\/repo-\d+\/README\.md$/),
    );
    expect(readmes).toHaveLength(250);
    expect(server.count('/orgs/acme/repos')).toBe(3);
    expect(server.requests[0].headers.authorization).toBe('Bearer gh-token');
    expect(documents.find(d => d.id === 'acme/repo-042/README.md')).toEqual({
      id: 'acme/repo-042/README.md',
      title: 'repo-042: README.md',
      url: 'https://github.com/acme/repo-042/blob/main/README.md',
      content: '# repo-042\n\nAbout repo-042.',
      markdown: true,
      entityRef: undefined,
      public: true,
      version: expect.stringMatching(/^[0-9a-f]{40}$/),
      metadata: {
        repository: 'acme/repo-042',
        path: 'README.md',
        branch: 'main',
        visibility: 'public',
      },
    });
    expect(documents.find(d => d.id === 'tools/cli/docs/a b.md')?.url).toBe(
      'https://github.com/tools/cli/blob/main/docs/a%20b.md',
    );
  });

  it('reads only included text files within the size limit, skipping archives and forks', async () => {
    const ingestor = createIngestor(server, {
      organizations: ['acme'],
      exclude: ['**/CHANGELOG.md'],
      maxFileSize: 1000,
    });
    const { documents } = await collectIngestorRun(ingestor);

    const docsSite = documents
      .filter(d => d.id.startsWith('acme/docs-site/'))
      .map(d => d.metadata?.path)
      .sort();
    expect(docsSite).toEqual([
      'README.md',
      'docs/guide.txt',
      'packages/api/Usage.MD',
    ]);
    expect(documents.find(d => d.id.endsWith('docs/guide.txt'))?.markdown).toBe(
      false,
    );
    // Binary by extension and too large: never downloaded. Binary by content: downloaded, dropped.
    expect(server.count('/git/blobs/')).toBe(250 + 4);
    expect(documents.some(d => d.id.startsWith('acme/old/'))).toBe(false);
    expect(documents.some(d => d.id.startsWith('acme/forked/'))).toBe(false);
    expect(server.count('/repos/acme/old/')).toBe(0);
  });

  it('downloads only the changed file on a second run and keeps the rest', async () => {
    const ingestor = createIngestor(server, { organizations: ['acme'] });
    const first = await collectIngestorRun(ingestor);
    const knownVersions = new Map(first.documents.map(d => [d.id, d.version!]));

    server.setFile(
      'acme',
      'repo-123',
      'README.md',
      '# repo-123\n\nNow with more.',
    );
    const blobsBefore = server.count('/git/blobs/');
    const second = await collectIngestorRun(ingestor, { knownVersions });

    expect(server.count('/git/blobs/') - blobsBefore).toBe(1);
    expect(second.documents.map(d => d.id)).toEqual([
      'acme/repo-123/README.md',
    ]);
    expect(second.documents[0].content).toContain('Now with more.');
    expect(second.kept).toHaveLength(first.documents.length - 1);
  });

  it('waits out primary and secondary rate limits instead of failing', async () => {
    const ingestor = createIngestor(server, { organizations: ['tools'] });
    server.failNext(403, {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
    });
    server.failNext(429, { 'retry-after': '0' });
    server.failNext(403, { 'retry-after': '0' });

    const started = Date.now();
    const { documents } = await collectIngestorRun(ingestor);

    expect(documents.map(d => d.id).sort()).toEqual([
      'tools/cli/README.md',
      'tools/cli/docs/a b.md',
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('fails the run when the rate limit resets later than it waits', async () => {
    const ingestor = createIngestor(server, {
      organizations: ['tools'],
      maxRateLimitWaitSeconds: 60,
    });
    server.failNext(403, {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    });
    await expect(collectIngestorRun(ingestor)).rejects.toThrow(/rate limited/);
  });

  it('fails the run on a permission error rather than pruning', async () => {
    const ingestor = createIngestor(server, { organizations: ['tools'] });
    server.failNext(403, {});
    await expect(collectIngestorRun(ingestor)).rejects.toThrow(/403/);
  });

  it('gives documents of a repository the entity that annotates it', async () => {
    const ingestor = createIngestor(server, { organizations: ['acme'] }, [
      mapped,
    ]);
    const { documents } = await collectIngestorRun(ingestor);

    expect(
      documents.find(d => d.id === 'acme/repo-007/README.md')?.entityRef,
    ).toBe('component:default/payments');
    expect(documents.filter(d => d.entityRef)).toHaveLength(1);
  });

  it('leaves out private and internal repositories no entity annotates unless the admin opts in', async () => {
    const secretServer = await startGithubTestServer({
      acme: [
        repo('open'),
        { ...repo('secret'), visibility: 'private' },
        { ...repo('staff-only'), visibility: 'internal' },
        { ...repo('Repo-007'), visibility: 'private' },
      ],
    });
    try {
      const repositories = async (github: object) => {
        const ingestor = createIngestor(secretServer, github, [mapped]);
        const { documents } = await collectIngestorRun(ingestor);
        return documents.map(d => [
          d.metadata?.repository,
          d.metadata?.visibility,
          d.entityRef ?? null,
        ]);
      };

      // The mapped private repository is guarded by its entity, so it is always ingested.
      expect(await repositories({ organizations: ['acme'] })).toEqual([
        ['acme/open', 'public', null],
        ['acme/Repo-007', 'private', 'component:default/payments'],
      ]);
      expect(
        await repositories({
          organizations: ['acme'],
          includePrivateReposWithoutEntity: true,
        }),
      ).toEqual([
        ['acme/open', 'public', null],
        ['acme/secret', 'private', null],
        ['acme/staff-only', 'internal', null],
        ['acme/Repo-007', 'private', 'component:default/payments'],
      ]);
    } finally {
      await secretServer.close();
    }
  });

  it('one poisoned file: skips a file with a NUL byte after the first 8 KiB and ingests the rest', async () => {
    server.setFile(
      'tools',
      'cli',
      'docs/poisoned.md',
      `# Poisoned\n${'x'.repeat(9000)}\u0000tail`,
    );
    const { documents } = await collectIngestorRun(
      createIngestor(server, { organizations: ['tools'] }),
    );
    expect(documents.map(d => d.id).sort()).toEqual([
      'tools/cli/README.md',
      'tools/cli/docs/a b.md',
    ]);
  });

  it('repository squatting: an entity the catalog read from elsewhere cannot guard a private repository', async () => {
    const squatServer = await startGithubTestServer({
      acme: [{ ...repo('secret'), visibility: 'private' }, repo('open')],
    });
    try {
      // Registered from the attacker's own repository, claiming acme/secret.
      const squatter = component('squatter', 'acme/secret', 'mallory/tools');
      const ingestor = createIngestor(
        squatServer,
        { organizations: ['acme'] },
        [squatter],
      );
      const { documents } = await collectIngestorRun(ingestor);
      // Treated as unannotated: private, so left out; the public one has no entity.
      expect(documents.map(d => [d.id, d.entityRef ?? null])).toEqual([
        ['acme/open/README.md', null],
      ]);
    } finally {
      await squatServer.close();
    }
  });

  it('repository squatting: a repository that several of its own entities claim is guarded by all of them', async () => {
    const ingestor = createIngestor(server, { organizations: ['tools'] }, [
      component('cli', 'tools/cli'),
      component('cli-docs', 'tools/cli'),
      component('aaa-squatter', 'tools/cli', 'mallory/cli'),
    ]);
    const { documents } = await collectIngestorRun(ingestor);
    const readme = documents.find(d => d.id === 'tools/cli/README.md')!;
    expect(readme.entityRef).toBe('component:default/cli');
    expect(readme.entityRefs).toEqual([
      'component:default/cli',
      'component:default/cli-docs',
    ]);
    // A change of guards changes the version, so the stored document is rewritten.
    expect(readme.version).toContain('component:default/cli-docs');
  });

  it('yields nothing after its signal is aborted mid-run', async () => {
    const ingestor = createIngestor(server, { organizations: ['acme'] });
    const controller = new AbortController();
    const ids: string[] = [];
    for await (const document of ingestor.ingest({
      signal: controller.signal,
      getKnownVersion: async () => undefined,
      keep: () => {},
      reportError: () => {},
    })) {
      ids.push(document.id);
      if (ids.length === 3) controller.abort(new Error('stop'));
    }
    expect(ids).toHaveLength(3);
  });
});

describe('conformance', () => {
  let server: GithubTestServer;
  beforeAll(async () => {
    server = await startGithubTestServer({
      acme: [repo('one', { 'docs/intro.md': '# Intro' }), repo('two')],
    });
  });
  afterAll(() => server.close());

  runIngestorConformanceTests('github', {
    createIngestor: () => createIngestor(server, { organizations: ['acme'] }),
    minDocuments: 3,
  });
});
