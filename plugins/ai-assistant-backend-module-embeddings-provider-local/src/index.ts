/**
 * Zero-setup offline embeddings provider for the AI Assistant for Backstage: 100-dimensional
 * word vectors that ship in an npm package, no server, no API key, no download.
 *
 * @packageDocumentation
 */

export { aiAssistantModuleLocalEmbeddingsProvider as default } from './module';
export { LocalEmbeddings } from './LocalEmbeddings';
export { LocalEmbeddingsProvider } from './LocalEmbeddingsProvider';
