import type { EntityFilterQuery } from '@backstage/catalog-client';
import type { Config } from '@backstage/config';

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
  const pageSize =
    config.getOptionalNumber(`${KEY}.pageSize`) ?? DEFAULT_TECHDOCS_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10000) {
    throw new Error(
      `Invalid config at '${KEY}.pageSize', expected an integer from 1 to 10000`,
    );
  }
  return {
    filter: readEntityFilter(config, `${KEY}.filter`),
    pageSize,
    legacyUseCaseSensitiveTripletPaths:
      config.getOptionalBoolean(
        'techdocs.legacyUseCaseSensitiveTripletPaths',
      ) ?? false,
  };
}

/**
 * Reads an entity filter: an object of field to value (or list of values, any of which
 * matches), or a list of such objects, any of which matches.
 */
function readEntityFilter(
  config: Config,
  key: string,
): EntityFilterQuery | undefined {
  const value = config.getOptional(key);
  if (value === undefined) {
    return undefined;
  }
  const invalid = new Error(
    `Invalid config at '${key}', expected an object of field to string or list of strings, or a list of such objects`,
  );
  const readObject = (item: unknown): Record<string, string | string[]> => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw invalid;
    }
    for (const v of Object.values(item)) {
      const ok =
        typeof v === 'string' ||
        (Array.isArray(v) && v.every(s => typeof s === 'string'));
      if (!ok) {
        throw invalid;
      }
    }
    return item as Record<string, string | string[]>;
  };
  return Array.isArray(value) ? value.map(readObject) : readObject(value);
}
