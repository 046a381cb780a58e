import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { EmbeddingsProvider } from './embeddings';
import type { Ingestor } from './ingestors';
import type { ModelProvider } from './models';
import type { AiAssistantTool } from './tools';

/**
 * Lets a module supply the embeddings provider. Exactly one may be set; a second one fails
 * backend startup with an error naming both.
 *
 * @public
 */
export interface AiAssistantEmbeddingsProviderExtensionPoint {
  setEmbeddingsProvider(provider: EmbeddingsProvider): void;
}

/**
 * Extension point for the embeddings provider of the AI assistant.
 *
 * @public
 */
export const aiAssistantEmbeddingsProviderExtensionPoint =
  createExtensionPoint<AiAssistantEmbeddingsProviderExtensionPoint>({
    id: 'ai-assistant.embeddings-provider',
  });

/**
 * Lets modules add chat model providers. Models are offered in registration order. Provider
 * ids must be unique: a second provider with an id already registered fails backend startup
 * with an error naming the id.
 *
 * @public
 */
export interface AiAssistantModelProviderExtensionPoint {
  /** Adds one or more providers, in the order given. */
  addModelProvider(...providers: ModelProvider[]): void;
}

/**
 * Extension point for chat model providers of the AI assistant.
 *
 * @public
 */
export const aiAssistantModelProviderExtensionPoint =
  createExtensionPoint<AiAssistantModelProviderExtensionPoint>({
    id: 'ai-assistant.model-providers',
  });

/**
 * Lets modules add knowledge sources. Ingestor ids must be unique.
 *
 * @public
 */
export interface AiAssistantIngestorExtensionPoint {
  /** Adds one or more ingestors. */
  addIngestor(...ingestors: Ingestor[]): void;
}

/**
 * Extension point for ingestors of the AI assistant.
 *
 * @public
 */
export const aiAssistantIngestorExtensionPoint =
  createExtensionPoint<AiAssistantIngestorExtensionPoint>({
    id: 'ai-assistant.ingestors',
  });

/**
 * Lets modules add tools the model may call. Tool names must be unique.
 *
 * @public
 */
export interface AiAssistantToolExtensionPoint {
  /** Adds one or more tools. */
  addTools(...tools: AiAssistantTool[]): void;
}

/**
 * Extension point for tools of the AI assistant.
 *
 * @public
 */
export const aiAssistantToolExtensionPoint =
  createExtensionPoint<AiAssistantToolExtensionPoint>({
    id: 'ai-assistant.tools',
  });
