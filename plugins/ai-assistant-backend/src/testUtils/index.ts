/**
 * Pieces of the AI Assistant backend for benchmarks and evaluation harnesses (the
 * repository's `bench/` and `yarn eval`): they drive the plugin's real knowledge store,
 * ingestion pipeline and vector index on a database of their own, so what they measure is
 * what users run. Not for production use; a Backstage backend adds the plugin itself.
 *
 * @packageDocumentation
 */

// Databases with the plugin's schema.
export {
  openPgliteKnowledgeDatabase,
  prepareKnowledgeDatabase,
} from './knowledgeDatabase';

// The ingestion pipeline as the plugin wires it, and the settings it reads from app-config.
export {
  createKnowledgeIngestion,
  type KnowledgeIngestion,
} from './knowledgeIngestion';
export { readAiAssistantConfig, type AiAssistantSettings } from '../config';
export type { IngestionPipeline } from '../ingestion/IngestionPipeline';

// The knowledge store on its own: bulk loads, index builds and searches to time.
export { KnowledgeStore, type SearchMode } from '../database/KnowledgeStore';
// Embedding with a provider's pacing and batching, without a database.
export { EmbeddingsService } from '../embeddings/EmbeddingsService';

// The vector index and keyword index the store builds, to compare against exact scans and
// to bulk-load rows exactly as the store writes them.
export {
  embeddingModelKey,
  nearestChunksSql,
  planVectorIndex,
  type EmbeddingModel,
  type VectorIndexPlan,
} from '../database/vectorIndex';
export { chunkTsv } from '../database/keywordIndex';

// A client of the chat API's Server-Sent Events.
export { readSseEvents, type SseFrame } from './readSseEvents';
