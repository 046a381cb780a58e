import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  isEmbeddingsProviderSelected,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { LocalEmbeddingsProvider } from './LocalEmbeddingsProvider';

/**
 * Supplies the AI assistant's offline `local` embeddings provider when
 * `aiAssistant.embeddings.local` is configured.
 *
 * @public
 */
export const aiAssistantModuleLocalEmbeddingsProvider = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'local-embeddings-provider',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        embeddings: aiAssistantEmbeddingsProviderExtensionPoint,
      },
      async init({ config, logger, embeddings }) {
        if (!isEmbeddingsProviderSelected(config, 'local')) {
          return;
        }
        embeddings.setEmbeddingsProvider(
          LocalEmbeddingsProvider.fromConfig(config, { logger }),
        );
      },
    });
  },
});
