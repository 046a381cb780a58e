import type { EntityFilterQuery } from '@backstage/catalog-client';
import type { Config } from '@backstage/config';

/**
 * How an ingestor that reads the catalog narrows and pages its requests.
 *
 * @public
 */
export interface CatalogQueryConfig {
  /** Only entities matching this catalog filter. */
  filter?: EntityFilterQuery;
  /** Entities per catalog request. */
  pageSize: number;
}

/**
 * Reads `<key>.filter` and `<key>.pageSize` of an ingestor's config block. The filter is an
 * object of field to value (or list of values, any of which matches), or a list of such
 * objects, any of which matches. Throws an error naming the key when either is malformed.
 *
 * @public
 */
export function readCatalogQueryConfig(
  config: Config,
  key: string,
  options: { defaultPageSize: number },
): CatalogQueryConfig {
  const pageSize =
    config.getOptionalNumber(`${key}.pageSize`) ?? options.defaultPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10000) {
    throw new Error(
      `Invalid config at '${key}.pageSize', expected an integer from 1 to 10000`,
    );
  }
  return { filter: readEntityFilter(config, `${key}.filter`), pageSize };
}

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
