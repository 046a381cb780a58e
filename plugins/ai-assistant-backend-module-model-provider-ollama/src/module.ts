import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { aiAssistantModelProviderExtensionPoint } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { OllamaModelProvider } from './OllamaModelProvider';

/**
 * Adds the AI assistant's `ollama` model provider when `aiAssistant.models.ollama` is configured.
 *
 * @public
 */
export const aiAssistantModuleOllamaModelProvider = createBackendModule({
  pluginId: 'ai-assistant',
  moduleId: 'ollama-model-provider',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        models: aiAssistantModelProviderExtensionPoint,
      },
      async init({ config, logger, models }) {
        if (!config.has('aiAssistant.models.ollama')) {
          return;
        }
        models.addModelProvider(
          OllamaModelProvider.fromConfig(config, { logger }),
        );
      },
    });
  },
});
