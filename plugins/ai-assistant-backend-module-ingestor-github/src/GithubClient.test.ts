import { mockServices } from '@backstage/backend-test-utils';
import { GithubClient } from './GithubClient';
import {
  type GithubTestServer,
  startGithubTestServer,
} from './testUtils/githubTestServer';

/** More repositories than fit on one page of 100. */
const repos = Array.from({ length: 150 }, (_, i) => ({
  name: `repo-${i}`,
  files: { 'README.md': '# Hello' },
}));

function clientFor(server: GithubTestServer) {
  return new GithubClient({
    apiBaseUrl: server.origin,
    getHeaders: async () => ({ authorization: 'Bearer gh-token' }),
    logger: mockServices.logger.mock(),
    maxRateLimitWaitMs: 1000,
  });
}

async function listNames(client: GithubClient): Promise<string[]> {
  const names: string[] = [];
  for await (const repository of client.listRepositories(
    'acme',
    new AbortController().signal,
  )) {
    names.push(repository.name);
  }
  return names;
}

describe('GithubClient', () => {
  const servers: GithubTestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.close()));
  });

  it('Credentials leave their origin: refuses a next-page link to another host instead of sending it the token', async () => {
    const elsewhere = await startGithubTestServer({ acme: repos });
    const github = await startGithubTestServer(
      { acme: repos },
      { pageLinkOrigin: elsewhere.origin },
    );
    servers.push(elsewhere, github);

    await expect(listNames(clientFor(github))).rejects.toThrow(
      `GitHub answered /orgs/acme/repos?type=all&per_page=100 with a next page at ${elsewhere.origin}, not at the configured API ${github.origin}; stopped so that its token is not sent there`,
    );
    expect(github.requests).toHaveLength(1);
    expect(github.requests[0].headers.authorization).toBe('Bearer gh-token');
    expect(elsewhere.requests).toEqual([]);
  });
});
