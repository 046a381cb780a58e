/**
 * Catalog ingestor for the AI Assistant for Backstage: every catalog entity as a readable
 * markdown document, linked to its entity page.
 *
 * @packageDocumentation
 */

export { aiAssistantModuleCatalogIngestor as default } from './module';
export {
  CatalogIngestor,
  type CatalogIngestorOptions,
} from './CatalogIngestor';
export {
  readCatalogIngestorConfig,
  type CatalogIngestorConfig,
} from './config';
export {
  entityPageUrl,
  entityToDocument,
  MAX_API_DEFINITION_LENGTH,
} from './entityDocument';
