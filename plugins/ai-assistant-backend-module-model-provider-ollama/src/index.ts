/**
 * Ollama chat models for the AI Assistant for Backstage, through LangChain.js's
 * `@langchain/ollama` client: streaming and tool calls.
 *
 * @packageDocumentation
 */

export { aiAssistantModuleOllamaModelProvider as default } from './module';
export {
  OllamaModelProvider,
  type OllamaModelProviderOptions,
} from './OllamaModelProvider';
export { readOllamaModelsConfig, type OllamaModelsConfig } from './config';
