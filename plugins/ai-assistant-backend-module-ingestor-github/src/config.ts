import type { Config } from '@backstage/config';
import {
  readRepositoryFileFilterOptions,
  type RepositoryFileFilterOptions,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** The config block this module reads. */
export const GITHUB_INGESTOR_CONFIG_KEY = 'aiAssistant.ingestors.github';

/**
 * The settings of `aiAssistant.ingestors.github`.
 *
 * @public
 */
export interface GithubIngestorConfig extends RepositoryFileFilterOptions {
  organizations: string[];
  host: string;
  includeArchived: boolean;
  includeForks: boolean;
  maxRateLimitWaitMs: number;
  /**
   * Whether non-public repositories that no catalog entity annotates are ingested anyway,
   * making their text available to every chat user.
   */
  includePrivateReposWithoutEntity: boolean;
}

/**
 * Reads `aiAssistant.ingestors.github`, or returns `undefined` when the block is absent.
 * Throws Backstage's config error, naming the key, when `organizations` is missing.
 *
 * @public
 */
export function readGithubIngestorConfig(
  config: Config,
): GithubIngestorConfig | undefined {
  const github = config.getOptionalConfig(GITHUB_INGESTOR_CONFIG_KEY);
  if (!github) return undefined;
  return {
    organizations: github.getStringArray('organizations'),
    host: github.getOptionalString('host') ?? 'github.com',
    includeArchived: github.getOptionalBoolean('includeArchived') ?? false,
    includeForks: github.getOptionalBoolean('includeForks') ?? false,
    includePrivateReposWithoutEntity:
      github.getOptionalBoolean('includePrivateReposWithoutEntity') ?? false,
    maxRateLimitWaitMs:
      (github.getOptionalNumber('maxRateLimitWaitSeconds') ?? 900) * 1000,
    ...readRepositoryFileFilterOptions(github),
  };
}
