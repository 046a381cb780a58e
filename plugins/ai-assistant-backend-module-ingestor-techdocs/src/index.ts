/**
 * TechDocs ingestor for the AI Assistant for Backstage: the built TechDocs of catalog
 * entities, one document per section, linked to the section in the TechDocs reader.
 *
 * @packageDocumentation
 */

export { aiAssistantModuleTechDocsIngestor as default } from './module';
export {
  TechDocsIngestor,
  type TechDocsIngestorOptions,
} from './TechDocsIngestor';
export {
  readTechDocsIngestorConfig,
  type TechDocsIngestorConfig,
} from './config';
export {
  htmlToText,
  searchIndexSections,
  type MkDocsSearchEntry,
  type DocsSection,
} from './searchIndex';
