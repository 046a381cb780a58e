import type { RootConfigService } from '@backstage/backend-plugin-api';
import type {
  EmbeddingsProvider,
  ProviderDeps,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { LocalEmbeddings } from './LocalEmbeddings';

/**
 * The offline `local` embeddings provider: {@link LocalEmbeddings}, 100-dimensional word
 * vectors shipped in an npm package, with no server and no key.
 *
 * @public
 */
export class LocalEmbeddingsProvider implements EmbeddingsProvider {
  readonly id = 'local';
  readonly model = LocalEmbeddings.model;
  readonly dimensions = LocalEmbeddings.dimensions;
  readonly embeddings = new LocalEmbeddings();

  /**
   * Creates the provider for `aiAssistant.embeddings.local`, which has no keys (yet): the
   * config is taken so that every provider is built the same way.
   */
  static fromConfig(
    _config: RootConfigService,
    deps: ProviderDeps,
  ): LocalEmbeddingsProvider {
    deps.logger.info(
      `Embedding offline with the ${LocalEmbeddings.model} word vectors (${LocalEmbeddings.dimensions} dimensions)`,
    );
    return new LocalEmbeddingsProvider();
  }
}
