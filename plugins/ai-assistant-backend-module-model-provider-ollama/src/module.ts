import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  aiAssistantModelProviderExtensionPoint,
  displayUrl,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { readOllamaModelsConfig } from './config';
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
        const settings = readOllamaModelsConfig(config);
        models.addModelProvider(new OllamaModelProvider(settings));
        const auth = settings.apiKey ? ' (with API key)' : '';
        logger.info(
          `Chat models from Ollama at ${displayUrl(settings.baseUrl)}: ${settings.models.join(', ')}${auth}`,
        );
      },
    });
  },
});
