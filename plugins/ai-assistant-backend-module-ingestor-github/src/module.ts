import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { aiAssistantIngestorExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { readGithubIngestorConfig } from './config';
import { GithubIngestor } from './GithubIngestor';

/**
 * Adds the AI assistant's `github` ingestor when `aiAssistant.ingestors.github` is configured.
 *
 * @public
 */
export const aiAssistantModuleGithubIngestor = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'github-ingestor',
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
        const settings = readGithubIngestorConfig(config);
        if (!settings) return;
        ingestors.addIngestor(
          GithubIngestor.fromConfig(config, {
            config: settings,
            logger,
            auth,
            catalog,
          }),
        );
        logger.info(
          `Ingesting GitHub organisations ${settings.organizations.join(', ')} on ${settings.host}`,
        );
      },
    });
  },
});
