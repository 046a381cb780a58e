import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import {
  AnyApiFactory,
  configApiRef,
  createApiFactory,
} from '@backstage/core-plugin-api';

/**
 * App-wide APIs beyond `@backstage/app-defaults` (discovery, fetch, identity, storage) and the
 * plugins' own (the AI assistant's client included). The catalog's entity pages, which the
 * assistant's citations open, show where an entity is defined through the SCM integrations.
 */
export const apis: AnyApiFactory[] = [
  createApiFactory({
    api: scmIntegrationsApiRef,
    deps: { configApi: configApiRef },
    factory: ({ configApi }) => ScmIntegrationsApi.fromConfig(configApi),
  }),
];
