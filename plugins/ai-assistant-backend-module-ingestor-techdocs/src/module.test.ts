import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import {
  aiAssistantIngestorExtensionPoint,
  type Ingestor,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { collectIngestorRun } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { aiAssistantModuleTechDocsIngestor } from './module';
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
  server.sites.set('default/system/commerce', [
    { location: '#commerce', title: 'Commerce', text: '<p>Shop things.</p>' },
  ]);
});
afterAll(() => server.close());

async function startWithConfig(data: JsonObject): Promise<Ingestor[]> {
  const addIngestor = jest.fn();
  const backend = await startTestBackend({
    extensionPoints: [[aiAssistantIngestorExtensionPoint, { addIngestor }]],
    features: [
      aiAssistantModuleTechDocsIngestor,
      mockServices.rootConfig.factory({ data }),
      mockServices.discovery.mock({
        getBaseUrl: async pluginId =>
          pluginId === 'techdocs'
            ? server.baseUrl
            : 'http://127.0.0.1:9/nowhere',
      }).factory,
      catalogServiceMock.factory({
        entities: [
          docsEntity('payments'),
          docsEntity('commerce', { kind: 'System' }),
          docsEntity('no-docs', { docs: false }),
        ],
      }),
    ],
  });
  await backend.stop();
  return addIngestor.mock.calls.map(call => call[0]);
}

describe('aiAssistantModuleTechDocsIngestor', () => {
  it('registers the techdocs ingestor without any config, reading from the techdocs plugin', async () => {
    const ingestors = await startWithConfig({});
    expect(ingestors.map(i => i.id)).toEqual(['techdocs']);
    const { documents } = await collectIngestorRun(ingestors[0]);
    expect(documents.map(d => d.url).sort()).toEqual([
      '/docs/default/component/payments/#payments',
      '/docs/default/component/payments/#setup',
      '/docs/default/component/payments/runbook/#rollback',
      '/docs/default/system/commerce/#commerce',
    ]);
  });

  it('starts with the documented config block and reads only what it asks for', async () => {
    const ingestors = await startWithConfig({
      aiAssistant: {
        ingestors: {
          techdocs: { filter: { kind: ['System'] }, pageSize: 100 },
        },
      },
    });
    const { documents } = await collectIngestorRun(ingestors[0]);
    expect(documents.map(d => d.url)).toEqual([
      '/docs/default/system/commerce/#commerce',
    ]);
  });

  it('fails startup naming a malformed key', async () => {
    await expect(
      startWithConfig({
        aiAssistant: { ingestors: { techdocs: { pageSize: 'many' } } },
      }),
    ).rejects.toThrow('aiAssistant.ingestors.techdocs.pageSize');
  });
});
