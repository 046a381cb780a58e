import type { Config } from '@backstage/config';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';

/**
 * Turns text into vectors for the knowledge store. Exactly one is used by a backend.
 *
 * @public
 */
export interface EmbeddingsProvider {
  /**
   * Short id of the provider, the name of its config block under `aiAssistant.embeddings`,
   * e.g. `azureOpenAi`, `ollama` or `local`.
   */
  id: string;
  /**
   * Name of the embedding model, e.g. `text-embedding-3-large`. Stored with every vector so
   * that changing the model re-embeds the knowledge base on the next ingestion run.
   */
  model: string;
  /** The LangChain embeddings client that does the work. */
  embeddings: EmbeddingsInterface;
  /**
   * Length of the vectors the model returns. When left out, the core embeds one probe text
   * the first time it needs to know.
   */
  dimensions?: number;
  /**
   * Optional: the vectors of `embeddings.embedDocuments` as float32 arrays, made without a JS
   * number array per vector. Ingestion uses it when present: a 1,536-dimension vector then
   * takes 6 KB off the JS heap instead of 12 KB on it, plus the garbage of decoding it.
   */
  embedDocumentsFloat32?(texts: string[]): Promise<Float32Array[]>;
}

/**
 * Whether an embeddings module should register itself: its config block
 * `aiAssistant.embeddings.<id>` exists, and `aiAssistant.embeddings.provider`, when set,
 * names it. This lets a backend ship several embeddings modules and let config choose.
 *
 * @public
 */
export function isEmbeddingsProviderSelected(
  config: Config,
  providerId: string,
): boolean {
  const selected = config.getOptionalString('aiAssistant.embeddings.provider');
  if (selected !== undefined && selected !== providerId) {
    return false;
  }
  return config.has(`aiAssistant.embeddings.${providerId}`);
}
