import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  isEmbeddingsProviderSelected,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { OllamaEmbeddingsProvider } from './OllamaEmbeddingsProvider';

/**
 * Supplies the AI assistant's `ollama` embeddings provider when `aiAssistant.embeddings.ollama`
 * is configured and `aiAssistant.embeddings.provider`, if set, is `ollama`.
 *
 * @public
 */
export const aiAssistantModuleOllamaEmbeddingsProvider = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'ollama-embeddings-provider',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        embeddings: aiAssistantEmbeddingsProviderExtensionPoint,
      },
      async init({ config, logger, embeddings }) {
        if (!isEmbeddingsProviderSelected(config, 'ollama')) {
          return;
        }
        embeddings.setEmbeddingsProvider(
          OllamaEmbeddingsProvider.fromConfig(config, { logger }),
        );
      },
    });
  },
});
