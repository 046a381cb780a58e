import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Options of {@link readEntityRefsByAnnotation}.
 *
 * @public
 */
export interface ReadEntityRefsByAnnotationOptions {
  catalog: CatalogService;
  auth: AuthService;
  /** E.g. `github.com/project-slug`. */
  annotation: string;
  /** Entities asked for per page. Default: 500. */
  pageSize?: number;
}

/**
 * Maps annotation values to the catalog entity that carries them, e.g. `org/repo` (from
 * `github.com/project-slug`) to `component:default/service`, reading every page of the catalog
 * with the plugin's own service credentials. Keys are trimmed and lower-cased, because
 * repository names are case-insensitive; look them up the same way. When several entities
 * name one repository, the first in entity-ref order wins, so runs are stable.
 *
 * @public
 */
export async function readEntityRefsByAnnotation(
  options: ReadEntityRefsByAnnotationOptions,
): Promise<Map<string, string>> {
  const { catalog, auth, annotation, pageSize = 500 } = options;
  const credentials: BackstageCredentials =
    await auth.getOwnServiceCredentials();
  const field = `metadata.annotations.${annotation}`;
  const found: Array<[string, string]> = [];
  let cursor: string | undefined;
  do {
    const page = await catalog.queryEntities(
      cursor
        ? { cursor, limit: pageSize }
        : {
            filter: { [field]: CATALOG_FILTER_EXISTS },
            fields: ['kind', 'metadata.namespace', 'metadata.name', field],
            limit: pageSize,
          },
      { credentials },
    );
    for (const entity of page.items) {
      const value = entity.metadata.annotations?.[annotation]?.trim();
      if (!value) continue;
      found.push([value.toLowerCase(), stringifyEntityRef(entity)]);
    }
    cursor = page.pageInfo.nextCursor;
  } while (cursor);

  found.sort((a, b) => a[1].localeCompare(b[1]));
  const refs = new Map<string, string>();
  for (const [key, ref] of found) {
    if (!refs.has(key)) refs.set(key, ref);
  }
  return refs;
}
