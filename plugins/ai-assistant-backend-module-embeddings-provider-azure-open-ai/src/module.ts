import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  isEmbeddingsProviderSelected,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { AzureOpenAiEmbeddingsProvider } from './AzureOpenAiEmbeddingsProvider';

/**
 * Supplies the AI assistant's `azureOpenAi` embeddings provider when
 * `aiAssistant.embeddings.azureOpenAi` is configured.
 *
 * @public
 */
export const aiAssistantModuleAzureOpenAiEmbeddingsProvider =
  createBackendModule({
    pluginId: 'ai-assistant',
    moduleId: 'azure-open-ai-embeddings-provider',
    register(env) {
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          embeddings: aiAssistantEmbeddingsProviderExtensionPoint,
        },
        async init({ config, logger, embeddings }) {
          if (!isEmbeddingsProviderSelected(config, 'azureOpenAi')) {
            return;
          }
          embeddings.setEmbeddingsProvider(
            AzureOpenAiEmbeddingsProvider.fromConfig(config, { logger }),
          );
        },
      });
    },
  });
