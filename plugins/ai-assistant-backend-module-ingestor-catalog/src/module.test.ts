import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import {
  aiAssistantIngestorExtensionPoint,
  type Ingestor,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { collectIngestorRun } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { aiAssistantModuleCatalogIngestor } from './module';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments' },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: { name: 'root' },
    spec: { targets: [] },
  },
];

async function startWithConfig(data: JsonObject): Promise<Ingestor[]> {
  const addIngestor = jest.fn();
  const backend = await startTestBackend({
    extensionPoints: [[aiAssistantIngestorExtensionPoint, { addIngestor }]],
    features: [
      aiAssistantModuleCatalogIngestor,
      mockServices.rootConfig.factory({ data }),
      catalogServiceMock.factory({ entities }),
    ],
  });
  await backend.stop();
  return addIngestor.mock.calls.map(call => call[0]);
}

describe('aiAssistantModuleCatalogIngestor', () => {
  it('registers the catalog ingestor without any config', async () => {
    const ingestors = await startWithConfig({});
    expect(ingestors.map(i => i.id)).toEqual(['catalog']);
    const { documents } = await collectIngestorRun(ingestors[0]);
    expect(documents.map(d => d.id).sort()).toEqual([
      'component:default/payments',
      'group:default/team-a',
    ]);
  });

  it('starts with the documented config block and reads only what it asks for', async () => {
    const ingestors = await startWithConfig({
      aiAssistant: {
        ingestors: {
          catalog: {
            kinds: ['Component', 'API', 'System'],
            filter: { 'spec.lifecycle': ['production', 'experimental'] },
            pageSize: 200,
          },
        },
      },
    });
    expect(ingestors).toHaveLength(1);
    const { documents } = await collectIngestorRun(ingestors[0]);
    expect(documents.map(d => d.id)).toEqual(['component:default/payments']);
  });

  it('fails startup naming a malformed key', async () => {
    await expect(
      startWithConfig({
        aiAssistant: { ingestors: { catalog: { pageSize: 0 } } },
      }),
    ).rejects.toThrow(
      "Invalid config at 'aiAssistant.ingestors.catalog.pageSize'",
    );
    await expect(
      startWithConfig({
        aiAssistant: { ingestors: { catalog: { filter: { kind: 3 } } } },
      }),
    ).rejects.toThrow(
      "Invalid config at 'aiAssistant.ingestors.catalog.filter'",
    );
  });
});
