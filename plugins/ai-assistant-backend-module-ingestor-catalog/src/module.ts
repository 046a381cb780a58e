import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { aiAssistantIngestorExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { readCatalogIngestorConfig } from './config';
import { CatalogIngestor } from './CatalogIngestor';

/**
 * Adds the AI assistant's `catalog` ingestor: every catalog entity as a readable document.
 * Registers whenever installed; `aiAssistant.ingestors.catalog` only narrows what it reads.
 *
 * @public
 */
export const aiAssistantModuleCatalogIngestor = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'catalog-ingestor',
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
        const settings = readCatalogIngestorConfig(config);
        ingestors.addIngestor(
          new CatalogIngestor({ catalog, auth, logger, config: settings }),
        );
        const kinds = settings.kinds?.join(', ') ?? 'all kinds but Location';
        logger.info(`Ingesting catalog entities of ${kinds}`);
      },
    });
  },
});
