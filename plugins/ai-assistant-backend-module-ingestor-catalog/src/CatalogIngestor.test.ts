import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  collectIngestorRun,
  runIngestorConformanceTests,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { CatalogIngestor } from './CatalogIngestor';
import type { CatalogIngestorConfig } from './config';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    description: 'The payments service handles card payments for the web shop.',
    tags: ['java', 'payments'],
    links: [{ url: 'https://runbooks.example.com/payments', title: 'Runbook' }],
    etag: 'etag-1',
  },
  spec: {
    type: 'service',
    owner: 'team-a',
    system: 'commerce',
    lifecycle: 'production',
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/team-a' },
    { type: 'partOf', targetRef: 'system:default/commerce' },
    { type: 'providesApi', targetRef: 'api:default/payments-api' },
  ],
};

const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'payments-api', title: 'Payments API' },
  spec: {
    type: 'openapi',
    owner: 'team-a',
    lifecycle: 'production',
    definition: `openapi: 3.0.0\ninfo:\n  title: Payments\n${'# padding\n'.repeat(
      3000,
    )}`,
  },
};

const teamA: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a' },
  spec: {
    type: 'team',
    profile: { displayName: 'Team A', email: 'team-a@example.com' },
    children: [],
    members: ['alice'],
  },
};

const location: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Location',
  metadata: { name: 'root' },
  spec: { targets: ['./catalog-info.yaml'] },
};

function createIngestor(
  entities: Entity[],
  config?: Partial<CatalogIngestorConfig>,
) {
  const catalog = catalogServiceMock({ entities });
  const ingestor = new CatalogIngestor({
    catalog,
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    config,
  });
  return { catalog, ingestor };
}

function fakeComponents(count: number): Entity[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${i}`,
      uid: `uid-${String(i).padStart(6, '0')}`,
    },
    spec: { type: 'service', owner: `team-${i % 37}`, lifecycle: 'production' },
  }));
}

runIngestorConformanceTests('catalog', {
  createIngestor: () =>
    createIngestor([payments, paymentsApi, teamA, location]).ingestor,
  minDocuments: 3,
});

describe('CatalogIngestor', () => {
  it('ingests 10,000 entities, each once, a page at a time', async () => {
    const { catalog, ingestor } = createIngestor(fakeComponents(10000), {
      pageSize: 500,
    });
    const query = jest.spyOn(catalog, 'queryEntities');

    const { documents } = await collectIngestorRun(ingestor);

    expect(documents).toHaveLength(10000);
    expect(new Set(documents.map(d => d.id)).size).toBe(10000);
    expect(documents.map(d => d.id)).toContain(
      'component:default/service-9999',
    );
    expect(query).toHaveBeenCalledTimes(20);
    expect(query.mock.calls[0][0]).toMatchObject({ limit: 500 });
    expect(query.mock.calls[0][0]).not.toHaveProperty('cursor');
    for (const [request, options] of query.mock.calls.slice(1)) {
      expect(request).toEqual({ cursor: expect.any(String), limit: 500 });
      expect(options).toEqual({ credentials: expect.anything() });
    }
  });

  it('writes an entity as prose a person would understand, linked to its entity page', async () => {
    const { ingestor } = createIngestor([payments]);
    const [document] = (await collectIngestorRun(ingestor)).documents;

    expect(document).toMatchObject({
      id: 'component:default/payments',
      entityRef: 'component:default/payments',
      title: 'payments (Component)',
      url: '/catalog/default/component/payments',
      markdown: true,
      sectionAnchors: false,
      metadata: {
        kind: 'Component',
        owner: 'team-a',
        system: 'commerce',
        lifecycle: 'production',
        tags: ['java', 'payments'],
      },
    });
    expect(document.content).toBe(
      [
        '# payments (Component)',
        '',
        'The payments service handles card payments for the web shop.',
        '',
        'payments is a service owned by team-a, part of the commerce system, in production. Entity reference: component:default/payments.',
        '',
        'Tags: java, payments',
        '',
        'Links:',
        '- [Runbook](https://runbooks.example.com/payments)',
        '',
        '## Relations',
        '',
        '- owned by group:default/team-a',
        '- part of system:default/commerce',
        '- provides API api:default/payments-api',
      ].join('\n'),
    );
  });

  it('describes groups and APIs in their own words, with the API definition cut to size', async () => {
    const { ingestor } = createIngestor([paymentsApi, teamA]);
    const { documents } = await collectIngestorRun(ingestor);
    const api = documents.find(d => d.id === 'api:default/payments-api')!;
    const group = documents.find(d => d.id === 'group:default/team-a')!;

    expect(api.title).toBe('Payments API (API)');
    expect(api.content).toContain(
      'payments-api is an openapi API owned by team-a, in production.',
    );
    expect(api.content).toContain(
      '## API definition (openapi)\n\n```\nopenapi: 3.0.0\ninfo:\n  title: Payments',
    );
    expect(api.content).toContain(
      '(Truncated: the first 16000 of 30039 characters.)',
    );
    expect(api.content.length).toBeLessThan(16500);
    expect(group.content).toContain(
      'team-a (Team A, team-a@example.com) is a team group, with members alice.',
    );
  });

  it('skips Location entities unless kinds names them', async () => {
    const all = [payments, location];
    const byDefault = await collectIngestorRun(createIngestor(all).ingestor);
    expect(byDefault.documents.map(d => d.id)).toEqual([
      'component:default/payments',
    ]);

    const locations = await collectIngestorRun(
      createIngestor(all, { kinds: ['Location'] }).ingestor,
    );
    expect(locations.documents.map(d => d.id)).toEqual([
      'location:default/root',
    ]);
  });

  it('narrows to the configured kinds and filter', async () => {
    const entities = [payments, paymentsApi, teamA, ...fakeComponents(3)];
    const { catalog, ingestor } = createIngestor(entities, {
      kinds: ['Component', 'API'],
      filter: { 'spec.owner': 'team-a' },
    });
    const query = jest.spyOn(catalog, 'queryEntities');
    const { documents } = await collectIngestorRun(ingestor);

    expect(documents.map(d => d.id).sort()).toEqual([
      'api:default/payments-api',
      'component:default/payments',
    ]);
    expect(query.mock.calls[0][0]).toMatchObject({
      filter: { 'spec.owner': 'team-a', kind: ['Component', 'API'] },
    });
  });

  it('no longer yields an entity deleted from the catalog, so the core prunes it', async () => {
    const entities = fakeComponents(5);
    const first = await collectIngestorRun(createIngestor(entities).ingestor);
    expect(first.documents.map(d => d.id)).toContain(
      'component:default/service-2',
    );

    const remaining = entities.filter(e => e.metadata.name !== 'service-2');
    const second = await collectIngestorRun(createIngestor(remaining).ingestor);
    const accounted = [...second.documents.map(d => d.id), ...second.kept];
    expect(accounted).toHaveLength(4);
    expect(accounted).not.toContain('component:default/service-2');
  });

  it('keeps unchanged entities without yielding them, and yields changed ones', async () => {
    const { ingestor } = createIngestor([payments, teamA]);
    const first = await collectIngestorRun(ingestor);
    const versions = new Map(first.documents.map(d => [d.id, d.version!]));

    const changed: Entity = {
      ...payments,
      spec: { ...payments.spec, lifecycle: 'deprecated' },
    };
    const second = await collectIngestorRun(
      createIngestor([changed, teamA]).ingestor,
      { knownVersions: versions },
    );
    expect(second.kept).toEqual(['group:default/team-a']);
    expect(second.documents.map(d => d.id)).toEqual([
      'component:default/payments',
    ]);
    expect(second.documents[0].content).toContain('in deprecated.');
  });

  it('fails the run when the catalog cannot be listed, so nothing is pruned', async () => {
    const { catalog, ingestor } = createIngestor([payments]);
    jest
      .spyOn(catalog, 'queryEntities')
      .mockRejectedValue(new Error('catalog unavailable'));
    await expect(collectIngestorRun(ingestor)).rejects.toThrow(
      'catalog unavailable',
    );
  });
});
