import type { EntityFilterQuery } from '@backstage/catalog-client';
import type { Config } from '@backstage/config';

/** Entities asked of the catalog per request when `pageSize` is not configured. */
export const DEFAULT_CATALOG_PAGE_SIZE = 500;

/** Kinds skipped unless `kinds` names them: they say where YAML lives, not what exists. */
export const DEFAULT_EXCLUDED_KINDS = ['location'];

const KEY = 'aiAssistant.ingestors.catalog';

/**
 * The settings of `aiAssistant.ingestors.catalog`.
 *
 * @public
 */
export interface CatalogIngestorConfig {
  /** Only entities of these kinds. Unset: every kind but `Location`. */
  kinds?: string[];
  /** Only entities matching this catalog filter, as in the catalog client's `filter`. */
  filter?: EntityFilterQuery;
  /** Entities per catalog request. */
  pageSize: number;
}

/**
 * Reads `aiAssistant.ingestors.catalog`; every key is optional. Throws Backstage's config error,
 * naming the key, on a malformed filter or page size.
 *
 * @public
 */
export function readCatalogIngestorConfig(
  config: Config,
): CatalogIngestorConfig {
  const kinds = config.getOptionalStringArray(`${KEY}.kinds`);
  const pageSize =
    config.getOptionalNumber(`${KEY}.pageSize`) ?? DEFAULT_CATALOG_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10000) {
    throw new Error(
      `Invalid config at '${KEY}.pageSize', expected an integer from 1 to 10000`,
    );
  }
  return {
    kinds: kinds?.length ? kinds : undefined,
    filter: readEntityFilter(config, `${KEY}.filter`),
    pageSize,
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

/**
 * The filter sent to the catalog: the configured filter, each alternative narrowed to the
 * configured kinds unless it names a kind itself.
 */
export function catalogRequestFilter(
  settings: Pick<CatalogIngestorConfig, 'kinds' | 'filter'>,
): EntityFilterQuery | undefined {
  const { kinds, filter } = settings;
  if (!kinds) {
    return filter;
  }
  if (!filter) {
    return { kind: kinds };
  }
  const withKinds = (
    f: Record<string, string | symbol | (string | symbol)[]>,
  ) =>
    Object.keys(f).some(k => k.toLocaleLowerCase('en-US') === 'kind')
      ? f
      : { ...f, kind: kinds };
  return Array.isArray(filter) ? filter.map(withKinds) : withKinds(filter);
}
