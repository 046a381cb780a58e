import type { EntityFilterQuery } from '@backstage/catalog-client';
import type { Config } from '@backstage/config';
import { readCatalogQueryConfig } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/** Entities asked of the catalog per request when `pageSize` is not configured. */
export const DEFAULT_TECHDOCS_PAGE_SIZE = 500;

const KEY = 'aiAssistant.ingestors.techdocs';

/**
 * The settings of `aiAssistant.ingestors.techdocs`, plus the TechDocs setting that decides
 * how documentation paths are cased.
 *
 * @public
 */
export interface TechDocsIngestorConfig {
  /** Only entities matching this catalog filter (on top of having TechDocs). */
  filter?: EntityFilterQuery;
  /** Entities per catalog request. */
  pageSize: number;
  /**
   * `techdocs.legacyUseCaseSensitiveTripletPaths`: when true, documentation paths keep the
   * entity's namespace, kind and name as written; otherwise they are lower case.
   */
  legacyUseCaseSensitiveTripletPaths: boolean;
}

/**
 * Reads `aiAssistant.ingestors.techdocs`; every key is optional. Throws Backstage's config
 * error, naming the key, on a malformed filter or page size.
 *
 * @public
 */
export function readTechDocsIngestorConfig(
  config: Config,
): TechDocsIngestorConfig {
  const query = readCatalogQueryConfig(config, KEY, {
    defaultPageSize: DEFAULT_TECHDOCS_PAGE_SIZE,
  });
  return {
    ...query,
    legacyUseCaseSensitiveTripletPaths:
      config.getOptionalBoolean(
        'techdocs.legacyUseCaseSensitiveTripletPaths',
      ) ?? false,
  };
}
