import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  collectIngestorRun,
  runIngestorConformanceTests,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { readAzureDevOpsIngestorConfig } from './config';
import { AzureDevOpsIngestor, wikiPagePath } from './AzureDevOpsIngestor';
import {
  type AzureDevOpsTestServer,
  type FakeAzureProject,
  startAzureDevOpsTestServer,
} from './__testUtils__/azureDevOpsTestServer';

function createIngestor(
  server: AzureDevOpsTestServer,
  settings: object = {},
  entities: Entity[] = [],
) {
  const config = new ConfigReader({
    integrations: {
      azure: [
        {
          host: 'dev.azure.com',
          credentials: [{ personalAccessToken: 'pat' }],
        },
      ],
    },
    aiAssistant: {
      ingestors: {
        azureDevOps: {
          organization: 'acme',
          baseUrl: server.baseUrl,
          ...settings,
        },
      },
    },
  });
  return AzureDevOpsIngestor.fromConfig(config, {
    config: readAzureDevOpsIngestorConfig(config)!,
    logger: mockServices.logger.mock(),
    auth: mockServices.auth(),
    catalog: catalogServiceMock({ entities }),
  });
}

/** A component naming `project/repo`, read by the catalog from the repository `home`. */
function component(
  name: string,
  projectRepo: string,
  home = projectRepo,
): Entity {
  const [project, repository] = home.split('/');
  const location = `url:https://dev.azure.com/acme/${project}/_git/${repository}?path=/catalog-info.yaml`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'dev.azure.com/project-repo': projectRepo,
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
    spec: {},
  };
}

function projects(): Record<string, FakeAzureProject> {
  return {
    Platform: {
      repositories: [
        {
          name: 'payments',
          files: {
            'README.md': '# Payments',
            'docs/runbook.txt': 'Restart the pods.',
            'docs/logo.png': Buffer.from([0x89, 0x50, 0, 1]),
            'docs/data.txt': Buffer.from([0x41, 0, 0x42]),
            'docs/big.md': `# Big\n${'x'.repeat(3000)}`,
            'src/index.ts': 'export {};',
            'CHANGELOG.md': '# Changes',
          },
        },
        { name: 'empty', defaultBranch: null, files: {} },
      ],
      wiki: {
        name: 'Platform.wiki',
        files: {
          'Home.md': '# Welcome',
          'Getting-started/Set%2Dup.md': '# Set-up',
          'Getting-started.order': 'Set%2Dup',
          '.attachments/diagram.md': 'not a page',
        },
      },
    },
    Sandbox: {
      repositories: [{ name: 'toys', files: { 'README.md': '# Toys' } }],
    },
    ...Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`p${i}`, { repositories: [] }]),
    ),
  };
}

describe('AzureDevOpsIngestor', () => {
  let server: AzureDevOpsTestServer;
  let data: Record<string, FakeAzureProject>;
  beforeEach(async () => {
    data = projects();
    server = await startAzureDevOpsTestServer('acme', data);
  });
  afterEach(() => server.close());

  it('ingests filtered repository files and wiki pages of every project', async () => {
    const ingestor = createIngestor(server, {
      exclude: ['CHANGELOG.md'],
      maxFileSize: 1000,
    });
    const { documents } = await collectIngestorRun(ingestor);

    expect(documents.map(d => d.id).sort()).toEqual([
      'Platform/_wiki/Platform.wiki/Getting started/Set-up',
      'Platform/_wiki/Platform.wiki/Home',
      'Platform/payments/README.md',
      'Platform/payments/docs/runbook.txt',
      'Sandbox/toys/README.md',
    ]);
    expect(server.count('/_apis/projects')).toBe(2);
    expect(server.requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from(':pat').toString('base64')}`,
    );
    expect(documents.find(d => d.id === 'Platform/payments/README.md')).toEqual(
      {
        id: 'Platform/payments/README.md',
        title: 'payments: README.md',
        url: 'https://dev.azure.com/acme/Platform/_git/payments?path=%2FREADME.md&version=GBmain',
        content: '# Payments',
        markdown: true,
        entityRef: undefined,
        public: true,
        version: expect.stringMatching(/^[0-9a-f]{40}$/),
        metadata: {
          project: 'Platform',
          repository: 'payments',
          path: 'README.md',
          branch: 'main',
          visibility: 'public',
        },
      },
    );
    expect(
      documents.find(d => d.id.endsWith('Getting started/Set-up')),
    ).toMatchObject({
      title: 'Platform.wiki: Getting started/Set-up',
      url: 'https://dev.azure.com/acme/Platform/_wiki/wikis/Platform.wiki?pagePath=%2FGetting%20started%2FSet-up',
      content: '# Set-up',
      markdown: true,
    });
    // png never downloaded; data.txt (binary) and big.md (too large) downloaded and dropped.
    expect(server.count('/blobs/')).toBe(7);
  });

  it('downloads only the changed file on a second run and keeps the rest', async () => {
    const ingestor = createIngestor(server);
    const first = await collectIngestorRun(ingestor);
    const knownVersions = new Map(first.documents.map(d => [d.id, d.version!]));

    data.Platform.wiki!.files['Home.md'] = '# Welcome back';
    const blobsBefore = server.count('/blobs/');
    const second = await collectIngestorRun(ingestor, { knownVersions });

    expect(second.documents.map(d => d.id)).toEqual([
      'Platform/_wiki/Platform.wiki/Home',
    ]);
    expect(server.count('/blobs/') - blobsBefore).toBe(1);
    expect(second.documents[0].content).toBe('# Welcome back');
    expect(second.kept).toHaveLength(first.documents.length - 1);
  });

  it('reads only the configured projects and can leave wikis out', async () => {
    const ingestor = createIngestor(server, {
      projects: ['sandbox'],
      wikis: false,
    });
    const { documents } = await collectIngestorRun(ingestor);
    expect(documents.map(d => d.id)).toEqual(['Sandbox/toys/README.md']);
    expect(server.count('/wiki/')).toBe(0);
  });

  it('waits out a 429 with Retry-After', async () => {
    const ingestor = createIngestor(server, { projects: ['Sandbox'] });
    server.failNext(429, { 'retry-after': '0' }, 2);
    const { documents } = await collectIngestorRun(ingestor);
    expect(documents).toHaveLength(1);
  });

  it('gives documents of a repository the entity that annotates it', async () => {
    const ingestor = createIngestor(server, {}, [
      component('payments', 'platform/Payments', 'Platform/payments'),
    ]);
    const { documents } = await collectIngestorRun(ingestor);
    const withEntity = documents.filter(d => d.entityRef);
    expect(withEntity.map(d => d.id).sort()).toEqual([
      'Platform/payments/CHANGELOG.md',
      'Platform/payments/README.md',
      'Platform/payments/docs/big.md',
      'Platform/payments/docs/runbook.txt',
    ]);
    expect(documents.find(d => d.id.endsWith('/Home'))?.entityRef).toBe(
      undefined,
    );
    expect(withEntity[0].entityRef).toBe('component:default/payments');
  });

  it('leaves out repositories and wikis of private projects that no entity annotates unless the admin opts in', async () => {
    data.Platform.visibility = 'private';
    data.Sandbox.visibility = 'private';
    const payments = component('payments', 'Platform/payments');
    const ids = async (azureDevOps: object) => {
      const ingestor = createIngestor(server, azureDevOps, [payments]);
      const { documents } = await collectIngestorRun(ingestor);
      return documents.map(d => `${d.id} ${d.metadata?.visibility}`).sort();
    };

    // The annotated repository is guarded by its entity; the rest has nothing to guard it.
    expect(await ids({ exclude: ['CHANGELOG.md'], maxFileSize: 1000 })).toEqual(
      [
        'Platform/payments/README.md private',
        'Platform/payments/docs/runbook.txt private',
      ],
    );
    expect(
      await ids({
        exclude: ['CHANGELOG.md'],
        maxFileSize: 1000,
        includePrivateReposWithoutEntity: true,
      }),
    ).toEqual([
      'Platform/_wiki/Platform.wiki/Getting started/Set-up private',
      'Platform/_wiki/Platform.wiki/Home private',
      'Platform/payments/README.md private',
      'Platform/payments/docs/runbook.txt private',
      'Sandbox/toys/README.md private',
    ]);
  });

  it('one poisoned file: a % in a wiki file name does not stop the run', async () => {
    data.Platform.wiki!.files['100%-sure.md'] = '# Sure';
    const { documents } = await collectIngestorRun(
      createIngestor(server, { projects: ['Platform'] }),
    );
    expect(documents.map(d => d.id).sort()).toEqual([
      'Platform/_wiki/Platform.wiki/100% sure',
      'Platform/_wiki/Platform.wiki/Getting started/Set-up',
      'Platform/_wiki/Platform.wiki/Home',
      'Platform/payments/CHANGELOG.md',
      'Platform/payments/README.md',
      'Platform/payments/docs/big.md',
      'Platform/payments/docs/runbook.txt',
    ]);
  });

  it('repository squatting: an entity the catalog read from elsewhere cannot guard a private repository', async () => {
    data.Platform.visibility = 'private';
    data.Sandbox.visibility = 'private';
    const ingestor = createIngestor(server, {}, [
      // Registered from a Sandbox repository, claiming Platform/payments.
      component('squatter', 'Platform/payments', 'Sandbox/toys'),
      // Valid: read from the repository it names.
      component('toys', 'Sandbox/toys'),
      component('toys-docs', 'Sandbox/toys'),
    ]);
    const { documents } = await collectIngestorRun(ingestor);
    expect(
      documents.map(d => [d.id, d.entityRef, d.entityRefs ?? null]),
    ).toEqual([
      [
        'Sandbox/toys/README.md',
        'component:default/toys',
        ['component:default/toys', 'component:default/toys-docs'],
      ],
    ]);
  });
});

describe('wikiPagePath', () => {
  it('turns Azure wiki file names into page paths', () => {
    expect(wikiPagePath('/Getting-started/Set%2Dup.md')).toBe(
      '/Getting started/Set-up',
    );
  });

  it('one poisoned file: keeps a % that starts no escape as it is', () => {
    expect(wikiPagePath('/100%-sure/Caf%C3%A9%2Dbar.md')).toBe(
      '/100% sure/Café-bar',
    );
  });
});

describe('conformance', () => {
  let server: AzureDevOpsTestServer;
  beforeAll(async () => {
    server = await startAzureDevOpsTestServer('acme', projects());
  });
  afterAll(() => server.close());

  runIngestorConformanceTests('azure-devops', {
    createIngestor: () => createIngestor(server),
    minDocuments: 4,
  });
});
