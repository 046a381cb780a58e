/**
 * GitHub ingestor for the AI Assistant for Backstage: markdown and docs of every repository of
 * GitHub organisations, incrementally by blob sha.
 *
 * @packageDocumentation
 */

export { aiAssistantModuleGithubIngestor as default } from './module';
export {
  GithubIngestor,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  type GithubIngestorOptions,
} from './GithubIngestor';
export { readGithubIngestorConfig, type GithubIngestorConfig } from './config';
