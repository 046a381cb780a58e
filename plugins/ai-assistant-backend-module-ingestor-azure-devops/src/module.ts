import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { aiAssistantIngestorExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { readAzureDevOpsIngestorConfig } from './config';
import { AzureDevOpsIngestor } from './AzureDevOpsIngestor';

/**
 * Adds the AI assistant's `azure-devops` ingestor when `aiAssistant.ingestors.azureDevOps` is
 * configured.
 *
 * @public
 */
export const aiAssistantModuleAzureDevOpsIngestor = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'azure-devops-ingestor',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        ingestors: aiAssistantIngestorExtensionPoint,
      },
      async init({ config, logger, auth, catalog, ingestors }) {
        const settings = readAzureDevOpsIngestorConfig(config);
        if (!settings) return;
        ingestors.addIngestor(
          AzureDevOpsIngestor.fromConfig(config, {
            config: settings,
            logger,
            auth,
            catalog,
          }),
        );
        logger.info(
          `Ingesting Azure DevOps organisation ${settings.organization} on ${settings.host}`,
        );
      },
    });
  },
});
