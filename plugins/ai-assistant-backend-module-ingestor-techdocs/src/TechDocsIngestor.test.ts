import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  collectIngestorRun,
  runIngestorConformanceTests,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import type { TechDocsIngestorConfig } from './config';
import { TechDocsIngestor } from './TechDocsIngestor';
import {
  docsEntity,
  paymentsSearchIndex,
  startTechDocsTestServer,
  type TechDocsTestServer,
} from './testing/techDocsTestServer';

let server: TechDocsTestServer;
beforeAll(async () => {
  server = await startTechDocsTestServer();
  server.sites.set('default/component/payments', paymentsSearchIndex());
});
afterAll(() => server.close());
beforeEach(() => {
  server.sites.clear();
  server.failures.clear();
  server.requests.length = 0;
  server.sites.set('default/component/payments', paymentsSearchIndex());
});

function createIngestor(
  entities: Entity[],
  config?: Partial<TechDocsIngestorConfig>,
) {
  const catalog = catalogServiceMock({ entities });
  const logger = mockServices.logger.mock();
  const ingestor = new TechDocsIngestor({
    catalog,
    auth: mockServices.auth(),
    discovery: mockServices.discovery.mock({
      getBaseUrl: async () => server.baseUrl,
    }),
    logger,
    config,
  });
  return { catalog, ingestor, logger };
}

runIngestorConformanceTests('techdocs', {
  createIngestor: () =>
    createIngestor([docsEntity('payments'), docsEntity('unbuilt')]).ingestor,
  minDocuments: 3,
});

describe('TechDocsIngestor', () => {
  it('yields one document per section, linked to the section anchor in the TechDocs reader', async () => {
    const { ingestor } = createIngestor([docsEntity('payments')]);
    const { documents } = await collectIngestorRun(ingestor);

    expect(documents.map(d => d.url)).toEqual([
      '/docs/default/component/payments/#payments',
      '/docs/default/component/payments/#setup',
      '/docs/default/component/payments/runbook/#rollback',
    ]);
    expect(documents[2]).toMatchObject({
      id: 'component:default/payments/runbook/#rollback',
      title: 'payments: Runbook › Rolling back',
      entityRef: 'component:default/payments',
      markdown: false,
      content:
        'payments: Runbook › Rolling back\n\nUse helm rollback payments.\ncheck dashboards\ntell #payments',
      metadata: { location: 'runbook/#rollback', page: 'Runbook' },
    });
    expect(documents[1].title).toBe('payments: Payments › Setup');
    expect(documents.every(d => !/<[a-z]/.test(d.content))).toBe(true);
  });

  it('reads each site with a plugin-to-plugin token for techdocs, at the lower-cased entity path', async () => {
    server.sites.set('prod/api/billing', [
      { location: '#billing', title: 'Billing', text: 'Billing API docs.' },
    ]);
    const { ingestor } = createIngestor([
      docsEntity('Billing', { kind: 'API', namespace: 'Prod' }),
    ]);
    const { documents } = await collectIngestorRun(ingestor);

    expect(documents.map(d => d.url)).toEqual([
      '/docs/prod/api/billing/#billing',
    ]);
    expect(documents[0].entityRef).toBe('api:prod/billing');
    expect(server.requests).toEqual([
      {
        path: '/api/techdocs/static/docs/prod/api/billing/search/search_index.json',
        authorization: expect.stringMatching(/^Bearer .+/),
      },
    ]);
    const token = server.requests[0].authorization!.slice('Bearer '.length);
    expect(JSON.parse(token.slice('mock-service-token:'.length))).toMatchObject(
      { target: 'techdocs' },
    );
  });

  it('keeps the path as written with techdocs.legacyUseCaseSensitiveTripletPaths', async () => {
    server.sites.set('Prod/API/Billing', [
      { location: '#billing', title: 'Billing', text: 'Billing API docs.' },
    ]);
    const { ingestor } = createIngestor(
      [docsEntity('Billing', { kind: 'API', namespace: 'Prod' })],
      { legacyUseCaseSensitiveTripletPaths: true },
    );
    const { documents } = await collectIngestorRun(ingestor);
    expect(documents.map(d => d.url)).toEqual([
      '/docs/Prod/API/Billing/#billing',
    ]);
  });

  it('asks the catalog only for entities with TechDocs, a page at a time', async () => {
    const entities = [
      docsEntity('payments'),
      docsEntity('no-docs', { docs: false }),
      ...Array.from({ length: 5 }, (_, i) => docsEntity(`unbuilt-${i}`)),
    ];
    const { catalog, ingestor } = createIngestor(entities, { pageSize: 2 });
    const query = jest.spyOn(catalog, 'queryEntities');
    await collectIngestorRun(ingestor);

    expect(query).toHaveBeenCalledTimes(3);
    expect(query.mock.calls[0][0]).toMatchObject({
      limit: 2,
      filter: {
        'metadata.annotations.backstage.io/techdocs-ref': expect.any(Symbol),
      },
    });
    expect(query.mock.calls[1][0]).toMatchObject({
      cursor: expect.any(String),
      limit: 2,
    });
    expect(server.requests.map(r => r.path)).not.toContainEqual(
      expect.stringContaining('no-docs'),
    );
    expect(server.requests).toHaveLength(6);
  });

  it('skips entities whose docs are not built with a debug log', async () => {
    const { ingestor, logger } = createIngestor([
      docsEntity('unbuilt'),
      docsEntity('payments'),
    ]);
    const { documents } = await collectIngestorRun(ingestor);
    expect(documents).toHaveLength(3);
    expect(logger.debug).toHaveBeenCalledWith(
      'Skipping component:default/unbuilt: its TechDocs are not built',
    );
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('logs and counts an entity that fails, and goes on with the others', async () => {
    server.sites.set('default/component/broken', paymentsSearchIndex());
    server.failures.set('default/component/broken', 500);
    const { ingestor, logger } = createIngestor([
      docsEntity('broken'),
      docsEntity('payments'),
    ]);
    const { documents } = await collectIngestorRun(ingestor);

    expect(documents.map(d => d.entityRef)).toEqual([
      'component:default/payments',
      'component:default/payments',
      'component:default/payments',
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Could not read the TechDocs of component:default/broken: Error: GET',
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      'TechDocs ingestor read 1 of 2 entities with TechDocs (0 not built, 1 failed), 3 sections',
    );
  });

  it('fails the run when no entity could be read at all, so nothing is pruned', async () => {
    server.failures.set('default/component/payments', 503);
    const { ingestor } = createIngestor([docsEntity('payments')]);
    await expect(collectIngestorRun(ingestor)).rejects.toThrow(
      'TechDocs ingestor read 0 of 1 entities with TechDocs (0 not built, 1 failed), 0 sections; is the TechDocs backend running?',
    );
  });

  it('fails the run when the catalog cannot be listed', async () => {
    const { catalog, ingestor } = createIngestor([docsEntity('payments')]);
    jest
      .spyOn(catalog, 'queryEntities')
      .mockRejectedValue(new Error('catalog unavailable'));
    await expect(collectIngestorRun(ingestor)).rejects.toThrow(
      'catalog unavailable',
    );
  });

  it('no longer yields the sections of an entity removed from the catalog', async () => {
    server.sites.set('default/component/orders', [
      { location: '#orders', title: 'Orders', text: 'Orders docs.' },
    ]);
    const first = await collectIngestorRun(
      createIngestor([docsEntity('payments'), docsEntity('orders')]).ingestor,
    );
    expect(first.documents.map(d => d.id)).toContain(
      'component:default/orders/#orders',
    );
    const second = await collectIngestorRun(
      createIngestor([docsEntity('payments')]).ingestor,
    );
    expect(second.documents.map(d => d.id)).not.toContain(
      'component:default/orders/#orders',
    );
    expect(second.documents).toHaveLength(3);
  });
});
