/**
 * Pieces of the AI Assistant backend for benchmarks and evaluation harnesses (the
 * repository's `bench/` and `yarn eval`): they drive the plugin's real knowledge store,
 * ingestion pipeline and vector index on a database of their own, so what they measure is
 * what users run. Not for production use; a Backstage backend adds the plugin itself.
 *
 * Everything here is a small interface over the plugin's internals, declaring only what the
 * harnesses call, so the internals can change without changing this entry.
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
  readKnowledgeSettings,
  type IngestionRunSummary,
  type KnowledgeIngestion,
  type KnowledgeSettings,
  type TestIngestionPipeline,
} from './knowledgeIngestion';

// The knowledge store on its own: bulk loads, index builds and searches to time.
export {
  createKnowledgeStore,
  type DocumentWrite,
  type KnowledgeQuery,
  type KnowledgeSearchResult,
  type KnowledgeStoreOptions,
  type SearchMode,
  type TestKnowledgeStore,
} from './knowledgeStore';

// Embedding with a provider's pacing and batching, without a database.
export {
  createEmbeddingsService,
  type TestEmbeddingsService,
} from './embeddings';

// The vector index and keyword index the store builds, to compare against exact scans and
// to bulk-load rows exactly as the store writes them.
export {
  chunkTsv,
  embeddingModelKey,
  nearestChunksSql,
  planVectorIndex,
  type EmbeddingModel,
  type NearestChunksSql,
  type VectorIndexPlan,
} from './vectorIndex';

// A client of the chat API's Server-Sent Events.
export { readSseEvents, type SseFrame } from './readSseEvents';
