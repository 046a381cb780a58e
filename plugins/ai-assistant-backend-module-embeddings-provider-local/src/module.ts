import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  aiAssistantEmbeddingsProviderExtensionPoint,
  isEmbeddingsProviderSelected,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { LocalEmbeddings } from './LocalEmbeddings';

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
        embeddings: aiAssistantEmbeddingsProviderExtensionPoint,
      },
      async init({ config, embeddings }) {
        if (!isEmbeddingsProviderSelected(config, 'local')) {
          return;
        }
        embeddings.setEmbeddingsProvider({
          id: 'local',
          model: LocalEmbeddings.model,
          dimensions: LocalEmbeddings.dimensions,
          embeddings: new LocalEmbeddings(),
        });
      },
    });
  },
});
