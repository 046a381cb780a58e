import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { aiAssistantIngestorExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { readTechDocsIngestorConfig } from './config';
import { TechDocsIngestor } from './TechDocsIngestor';

/**
 * Adds the AI assistant's `techdocs` ingestor: the built TechDocs of catalog entities, one
 * document per section. Registers whenever installed; `aiAssistant.ingestors.techdocs` only
 * narrows what it reads.
 *
 * @public
 */
export const aiAssistantModuleTechDocsIngestor = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'techdocs-ingestor',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        ingestors: aiAssistantIngestorExtensionPoint,
      },
      async init({ config, logger, auth, discovery, catalog, ingestors }) {
        ingestors.addIngestor(
          new TechDocsIngestor({
            catalog,
            auth,
            discovery,
            logger,
            config: readTechDocsIngestorConfig(config),
          }),
        );
      },
    });
  },
});
