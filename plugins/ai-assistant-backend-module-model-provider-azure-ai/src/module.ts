import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { aiAssistantModelProviderExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { AzureAiModelProvider } from './AzureAiModelProvider';

/**
 * Adds the AI assistant's `azureAi` model provider, one selectable model per entry of
 * `aiAssistant.models.azureAi.models`, when that block is configured.
 *
 * @public
 */
export const aiAssistantModuleAzureAiModelProvider = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'azure-ai-model-provider',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        models: aiAssistantModelProviderExtensionPoint,
      },
      async init({ config, logger, models }) {
        if (!config.has('aiAssistant.models.azureAi')) {
          return;
        }
        models.addModelProvider(
          AzureAiModelProvider.fromConfig(config, { logger }),
        );
      },
    });
  },
});
