/**
 * A loopback fake of the GitHub REST API, for tests of anything built on this ingestor (e.g.
 * end-to-end permission tests in the backend plugin).
 *
 * @packageDocumentation
 */
export {
  gitBlobSha,
  startGithubTestServer,
  type FakeGithubRepository,
  type GithubTestServer,
  type GithubTestServerOptions,
  type RecordedGithubRequest,
} from './githubTestServer';
