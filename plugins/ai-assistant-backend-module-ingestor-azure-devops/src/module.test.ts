import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  aiAssistantIngestorExtensionPoint,
  type Ingestor,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { collectIngestorRun } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { aiAssistantModuleAzureDevOpsIngestor } from './module';
import {
  type AzureDevOpsTestServer,
  startAzureDevOpsTestServer,
} from './__testUtils__/azureDevOpsTestServer';

describe('aiAssistantModuleAzureDevOpsIngestor', () => {
  let server: AzureDevOpsTestServer;
  beforeAll(async () => {
    server = await startAzureDevOpsTestServer('acme', {
      Platform: {
        repositories: [{ name: 'payments', files: { 'README.md': '# Pay' } }],
        wiki: { name: 'Platform.wiki', files: { 'Home.md': '# Home' } },
      },
    });
  });
  afterAll(() => server.close());

  async function start(data: object) {
    const addIngestor = jest.fn<void, [Ingestor]>();
    await startTestBackend({
      extensionPoints: [[aiAssistantIngestorExtensionPoint, { addIngestor }]],
      features: [
        aiAssistantModuleAzureDevOpsIngestor,
        mockServices.rootConfig.factory({ data }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'payments',
                annotations: {
                  'dev.azure.com/project-repo': 'Platform/payments',
                  // Read from the repository itself: only then does its claim count.
                  'backstage.io/managed-by-location':
                    'url:https://dev.azure.com/acme/Platform/_git/payments?path=/catalog-info.yaml',
                },
              },
              spec: {},
            },
          ],
        }),
      ],
    });
    return addIngestor;
  }

  it('adds a working azure-devops ingestor with the documented config block', async () => {
    const addIngestor = await start({
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
          azureDevOps: { organization: 'acme', baseUrl: server.baseUrl },
        },
      },
    });

    expect(addIngestor).toHaveBeenCalledTimes(1);
    const ingestor = addIngestor.mock.calls[0][0];
    expect(ingestor.id).toBe('azure-devops');
    const { documents } = await collectIngestorRun(ingestor);
    expect(documents).toMatchObject([
      {
        id: 'Platform/payments/README.md',
        entityRef: 'component:default/payments',
      },
      { id: 'Platform/_wiki/Platform.wiki/Home', content: '# Home' },
    ]);
  });

  it('adds nothing without aiAssistant.ingestors.azureDevOps', async () => {
    expect(await start({})).not.toHaveBeenCalled();
  });

  it('fails startup naming the missing organization key', async () => {
    await expect(
      start({ aiAssistant: { ingestors: { azureDevOps: { wikis: false } } } }),
    ).rejects.toThrow(/organization/);
  });
});
