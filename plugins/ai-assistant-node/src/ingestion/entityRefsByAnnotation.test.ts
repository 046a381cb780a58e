import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readEntityRefsByAnnotation } from './entityRefsByAnnotation';

function component(name: string, slug?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: slug ? { 'github.com/project-slug': slug } : {},
    },
    spec: {},
  };
}

describe('readEntityRefsByAnnotation', () => {
  it('maps every annotated entity across catalog pages, keys lower-cased', async () => {
    const entities = [
      component('no-slug'),
      ...Array.from({ length: 7 }, (_, i) =>
        component(`service-${i}`, `Acme/Repo-${i}`),
      ),
    ];
    const catalog = catalogServiceMock({ entities });
    const queryEntities = jest.spyOn(catalog, 'queryEntities');

    const refs = await readEntityRefsByAnnotation({
      catalog,
      auth: mockServices.auth(),
      annotation: 'github.com/project-slug',
      pageSize: 3,
    });

    expect(refs.size).toBe(7);
    expect(refs.get('acme/repo-4')).toBe('component:default/service-4');
    expect(queryEntities.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('picks the same entity every run when two name one repository', async () => {
    const catalog = catalogServiceMock({
      entities: [component('zeta', 'acme/x'), component('alpha', 'ACME/X')],
    });
    const refs = await readEntityRefsByAnnotation({
      catalog,
      auth: mockServices.auth(),
      annotation: 'github.com/project-slug',
    });
    expect(refs.get('acme/x')).toBe('component:default/alpha');
  });
});
