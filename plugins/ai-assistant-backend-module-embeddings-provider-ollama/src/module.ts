import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  displayUrl,
  isEmbeddingsProviderSelected,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { readOllamaEmbeddingsConfig } from './config';
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
        const settings = readOllamaEmbeddingsConfig(config);
        embeddings.setEmbeddingsProvider(
          new OllamaEmbeddingsProvider(settings),
        );
        const auth = settings.apiKey ? ' (with API key)' : '';
        logger.info(
          `Embedding with Ollama model ${settings.model} at ${displayUrl(settings.baseUrl)}${auth}`,
        );
      },
    });
  },
});
