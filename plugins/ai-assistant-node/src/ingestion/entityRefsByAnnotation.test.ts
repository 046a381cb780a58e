import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readEntityRefsByAnnotation } from './entityRefsByAnnotation';

/** A component claiming `slug`, registered from a catalog file in repository `home`. */
function component(name: string, slug?: string, home?: string): Entity {
  const annotations: Record<string, string> = {};
  if (slug) annotations['github.com/project-slug'] = slug;
  if (home) {
    annotations['backstage.io/managed-by-location'] =
      `url:https://github.com/${home}/blob/main/catalog-info.yaml`;
    annotations['backstage.io/managed-by-origin-location'] =
      `url:https://github.com/${home}/blob/main/catalog-info.yaml`;
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: {},
  };
}

/** `org/repo` of a github.com URL, as the GitHub ingestor reads it. */
const repositoryOfUrl = (url: string) => {
  const { hostname, pathname } = new URL(url);
  const [org, repo] = pathname.split('/').filter(Boolean);
  return hostname === 'github.com' && repo
    ? `${org}/${repo}`.toLowerCase()
    : undefined;
};

async function read(entities: Entity[], pageSize?: number) {
  const catalog = catalogServiceMock({ entities });
  const queryEntities = jest.spyOn(catalog, 'queryEntities');
  const refs = await readEntityRefsByAnnotation({
    catalog,
    auth: mockServices.auth(),
    annotation: 'github.com/project-slug',
    repositoryOfUrl,
    pageSize,
  });
  return { refs, queryEntities };
}

describe('readEntityRefsByAnnotation', () => {
  it('maps every annotated entity across catalog pages, keys lower-cased', async () => {
    const { refs, queryEntities } = await read(
      [
        component('no-slug'),
        ...Array.from({ length: 7 }, (_, i) =>
          component(`service-${i}`, `Acme/Repo-${i}`, `acme/repo-${i}`),
        ),
      ],
      3,
    );

    expect(refs.size).toBe(7);
    expect(refs.get('acme/repo-4')).toEqual(['component:default/service-4']);
    expect(queryEntities.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('repository squatting: ignores a claim from an entity whose catalog locations are not in that repository', async () => {
    const { refs } = await read([
      // Registered from the attacker's own repository, naming somebody else's.
      component('squatter', 'acme/payments', 'mallory/tools'),
      // Its author may set source-location at will, so it proves nothing.
      {
        ...component('forger', 'acme/payments', 'mallory/tools'),
        metadata: {
          name: 'forger',
          annotations: {
            'github.com/project-slug': 'acme/payments',
            'backstage.io/source-location':
              'url:https://github.com/acme/payments/tree/main/',
            'backstage.io/managed-by-location':
              'url:https://github.com/mallory/tools/blob/main/x.yaml',
          },
        },
      },
      // A look-alike repository name is another repository.
      component('lookalike', 'acme/payments', 'acme/payments-fork'),
      // No location at all.
      component('floating', 'acme/payments'),
    ]);
    expect(refs.has('acme/payments')).toBe(false);
  });

  it('repository squatting: keeps every valid claimant of a repository, in ref order, and only those', async () => {
    const { refs } = await read([
      component('zeta', 'acme/x', 'acme/x'),
      component('alpha', 'ACME/X', 'Acme/X'),
      component('aaa-squatter', 'acme/x', 'mallory/x'),
    ]);
    expect(refs.get('acme/x')).toEqual([
      'component:default/alpha',
      'component:default/zeta',
    ]);
  });
});
