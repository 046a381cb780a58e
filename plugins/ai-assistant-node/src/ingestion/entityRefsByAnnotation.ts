import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  type Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * The annotations that say where the catalog read an entity from. The catalog writes them
 * itself when it reads an entity from a location, over whatever the entity's author wrote, so
 * an author cannot point them at a repository they cannot write to. (`backstage.io/source-location`
 * is not one of them: the author's value wins there.)
 *
 * @public
 */
export const CATALOG_LOCATION_ANNOTATIONS: readonly string[] = [
  'backstage.io/managed-by-location',
  'backstage.io/managed-by-origin-location',
];

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
  /**
   * The repository a URL lies in, as a lower-cased annotation value (e.g. `org/repo`), or
   * `undefined` when it lies in none this ingestor reads. Used to check the catalog locations
   * of each claiming entity.
   */
  repositoryOfUrl(url: string): string | undefined;
  /** Told, at info level, which claims were ignored. */
  logger?: LoggerService;
  /** Entities asked for per page. Default: 500. */
  pageSize?: number;
}

/**
 * Maps annotation values to the catalog entities that carry them and may guard them, e.g.
 * `org/repo` (from `github.com/project-slug`) to `['component:default/service']`, reading every
 * page of the catalog with the plugin's own service credentials. Keys are trimmed and
 * lower-cased, because repository names are case-insensitive; look them up the same way.
 *
 * Registering an entity is an ordinary action in most Backstage installs, so an annotation
 * alone proves nothing: a claim counts only when one of the entity's
 * {@link CATALOG_LOCATION_ANNOTATIONS} lies in the repository it names. Every valid claimant
 * is returned, sorted by ref; a repository whose claims are all invalid is missing from the
 * map, as if nobody annotated it.
 *
 * @public
 */
export async function readEntityRefsByAnnotation(
  options: ReadEntityRefsByAnnotationOptions,
): Promise<Map<string, string[]>> {
  const { catalog, auth, annotation, pageSize = 500 } = options;
  const credentials: BackstageCredentials =
    await auth.getOwnServiceCredentials();
  const refs = new Map<string, Set<string>>();
  const ignored: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await catalog.queryEntities(
      cursor
        ? { cursor, limit: pageSize }
        : {
            filter: {
              [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS,
            },
            fields: [
              'kind',
              'metadata.namespace',
              'metadata.name',
              'metadata.annotations',
            ],
            limit: pageSize,
          },
      { credentials },
    );
    for (const entity of page.items) {
      const key = entity.metadata.annotations?.[annotation]
        ?.trim()
        .toLowerCase();
      if (!key) continue;
      const ref = stringifyEntityRef(entity);
      if (
        !catalogLocations(entity).some(u => options.repositoryOfUrl(u) === key)
      ) {
        ignored.push(`${ref} (${key})`);
        continue;
      }
      const claimants = refs.get(key) ?? new Set<string>();
      claimants.add(ref);
      refs.set(key, claimants);
    }
    cursor = page.pageInfo.nextCursor;
  } while (cursor);

  if (ignored.length > 0) {
    options.logger?.info(
      `Ignored ${ignored.length} ${annotation} annotations of entities the catalog did not read from the repository they name: ${ignored.slice(0, 10).join(', ')}${ignored.length > 10 ? ', ...' : ''}`,
    );
  }
  return new Map(
    [...refs].map(([key, claimants]) => [
      key,
      [...claimants].sort((a, b) => a.localeCompare(b)),
    ]),
  );
}

/** The URLs of an entity's catalog location annotations that parse as `url:` locations. */
function catalogLocations(entity: Entity): string[] {
  const annotations = entity.metadata.annotations ?? {};
  return CATALOG_LOCATION_ANNOTATIONS.flatMap(name => {
    const value = annotations[name];
    if (!value) return [];
    try {
      const { type, target } = parseLocationRef(value);
      return type === 'url' ? [target] : [];
    } catch {
      return [];
    }
  });
}
