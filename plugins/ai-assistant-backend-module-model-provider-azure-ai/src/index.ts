/**
 * Azure AI and Azure OpenAI chat models for the AI Assistant for Backstage, several
 * deployments at once, through LangChain.js's `@langchain/openai`.
 *
 * @packageDocumentation
 */

export {
  aiAssistantModuleAzureAiModelProvider as default,
  aiAssistantModuleAzureAiModelProvider,
} from './module';
export { AzureAiModelProvider } from './AzureAiModelProvider';
export {
  readAzureAiModelsConfig,
  type AzureAiModelConfig,
  type AzureAiModelsConfig,
  type AzureAiModelTarget,
} from './config';
