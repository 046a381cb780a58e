/**
 * Azure OpenAI embeddings provider for the AI Assistant for Backstage, through LangChain.js's
 * `AzureOpenAIEmbeddings`.
 *
 * @packageDocumentation
 */

export {
  aiAssistantModuleAzureOpenAiEmbeddingsProvider as default,
  aiAssistantModuleAzureOpenAiEmbeddingsProvider,
} from './module';
export {
  AzureOpenAiEmbeddingsProvider,
  createAzureOpenAiEmbeddingsProvider,
} from './AzureOpenAiEmbeddingsProvider';
export {
  readAzureOpenAiEmbeddingsConfig,
  type AzureOpenAiEmbeddingsConfig,
} from './config';
