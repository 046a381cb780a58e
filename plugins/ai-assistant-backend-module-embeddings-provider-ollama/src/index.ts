/**
 * Ollama embeddings provider for the AI Assistant for Backstage, through LangChain.js's
 * `@langchain/ollama` client.
 *
 * @packageDocumentation
 */

export { aiAssistantModuleOllamaEmbeddingsProvider as default } from './module';
export {
  OllamaEmbeddingsProvider,
  type OllamaEmbeddingsProviderOptions,
} from './OllamaEmbeddingsProvider';
export {
  readOllamaEmbeddingsConfig,
  type OllamaEmbeddingsConfig,
} from './config';
