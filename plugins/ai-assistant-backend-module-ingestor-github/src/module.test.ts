import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  aiAssistantIngestorExtensionPoint,
  type Ingestor,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { collectIngestorRun } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { aiAssistantModuleGithubIngestor } from './module';
import {
  type GithubTestServer,
  startGithubTestServer,
} from './testUtils/githubTestServer';

describe('aiAssistantModuleGithubIngestor', () => {
  let server: GithubTestServer;
  beforeAll(async () => {
    server = await startGithubTestServer({
      acme: [{ name: 'payments', files: { 'README.md': '# Payments' } }],
    });
  });
  afterAll(() => server.close());

  async function start(data: object) {
    const addIngestor = jest.fn<void, [Ingestor]>();
    await startTestBackend({
      extensionPoints: [[aiAssistantIngestorExtensionPoint, { addIngestor }]],
      features: [
        aiAssistantModuleGithubIngestor,
        mockServices.rootConfig.factory({ data }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'payments',
                annotations: {
                  'github.com/project-slug': 'acme/payments',
                  // Read from the repository itself: only then does its claim count.
                  'backstage.io/managed-by-location':
                    'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
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

  it('adds a working github ingestor with the documented config block', async () => {
    const addIngestor = await start({
      integrations: {
        github: [
          { host: 'github.com', apiBaseUrl: server.origin, token: 'secret' },
        ],
      },
      aiAssistant: { ingestors: { github: { organizations: ['acme'] } } },
    });

    expect(addIngestor).toHaveBeenCalledTimes(1);
    const ingestor = addIngestor.mock.calls[0][0];
    expect(ingestor.id).toBe('github');
    const { documents } = await collectIngestorRun(ingestor);
    expect(documents).toMatchObject([
      {
        id: 'acme/payments/README.md',
        entityRef: 'component:default/payments',
      },
    ]);
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer secret');
  });

  it('adds nothing without aiAssistant.ingestors.github', async () => {
    const addIngestor = await start({});
    expect(addIngestor).not.toHaveBeenCalled();
  });

  it('fails startup naming the missing organizations key', async () => {
    await expect(
      start({ aiAssistant: { ingestors: { github: { host: 'github.com' } } } }),
    ).rejects.toThrow(/organizations/);
  });
});
