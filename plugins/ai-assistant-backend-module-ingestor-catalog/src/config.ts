import type { EntityFilterQuery } from '@backstage/catalog-client';
import type { Config } from '@backstage/config';
import { readCatalogQueryConfig } from '@ai-assistant/backstage-plugin-ai-assistant-node';

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
  const query = readCatalogQueryConfig(config, KEY, {
    defaultPageSize: DEFAULT_CATALOG_PAGE_SIZE,
  });
  return {
    kinds: kinds?.length ? kinds : undefined,
    ...query,
  };
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
