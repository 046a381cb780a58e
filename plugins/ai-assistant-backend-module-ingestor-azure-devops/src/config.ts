import type { Config } from '@backstage/config';
import {
  readRepositoryFileFilterOptions,
  type RepositoryFileFilterOptions,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** The config block this module reads. */
export const AZURE_DEVOPS_INGESTOR_CONFIG_KEY =
  'aiAssistant.ingestors.azureDevOps';

/**
 * The settings of `aiAssistant.ingestors.azureDevOps`.
 *
 * @public
 */
export interface AzureDevOpsIngestorConfig extends RepositoryFileFilterOptions {
  organization: string;
  host: string;
  /** The organisation's API URL, without a trailing slash. */
  baseUrl: string;
  /** Project names, or `undefined` for all. */
  projects?: string[];
  wikis: boolean;
  /**
   * Whether repositories and wikis of non-public projects that no catalog entity annotates
   * are ingested anyway, making their text available to every chat user.
   */
  includePrivateReposWithoutEntity: boolean;
}

/**
 * Reads `aiAssistant.ingestors.azureDevOps`, or returns `undefined` when the block is absent.
 * Throws Backstage's config error, naming the key, when `organization` is missing.
 *
 * @public
 */
export function readAzureDevOpsIngestorConfig(
  config: Config,
): AzureDevOpsIngestorConfig | undefined {
  const azure = config.getOptionalConfig(AZURE_DEVOPS_INGESTOR_CONFIG_KEY);
  if (!azure) return undefined;
  const organization = azure.getString('organization');
  const host = azure.getOptionalString('host') ?? 'dev.azure.com';
  const baseUrl =
    azure.getOptionalString('baseUrl') ??
    `https://${host}/${encodeURIComponent(organization)}`;
  return {
    organization,
    host,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    projects: azure.getOptionalStringArray('projects'),
    wikis: azure.getOptionalBoolean('wikis') ?? true,
    includePrivateReposWithoutEntity:
      azure.getOptionalBoolean('includePrivateReposWithoutEntity') ?? false,
    ...readRepositoryFileFilterOptions(azure),
  };
}
