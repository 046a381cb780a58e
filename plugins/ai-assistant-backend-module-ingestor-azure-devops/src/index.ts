/**
 * Azure DevOps ingestor for the AI Assistant for Backstage: markdown and docs of Azure Repos
 * and project wiki pages, incrementally by object id.
 *
 * @packageDocumentation
 */

export { aiAssistantModuleAzureDevOpsIngestor as default } from './module';
export {
  AzureDevOpsIngestor,
  AZURE_DEVOPS_PROJECT_REPO_ANNOTATION,
  type AzureDevOpsIngestorOptions,
} from './AzureDevOpsIngestor';
export {
  readAzureDevOpsIngestorConfig,
  type AzureDevOpsIngestorConfig,
} from './config';
