import {
  type AuthService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/** Reads every catalog entity and administers the assistant's ingestion. */
export const ADMIN = 'user:default/admin';
/** Reads every catalog entity. */
export const A = 'user:default/a';
/** Reads every catalog entity but the ledger. */
export const B = 'user:default/b';

/**
 * The test's permission policy, in place of the dev backend's allow-all one, run by the real
 * permission backend: user B may read every catalog entity but the ledger (a conditional
 * decision, so the catalog itself applies it to the entity the knowledge filter asks about),
 * and only the admin administers the assistant's ingestion. Everything else is allowed.
 */
class TestPolicy implements PermissionPolicy {
  constructor(private readonly auth: AuthService) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser) {
    const userRef =
      user && this.auth.isPrincipal(user.credentials, 'user')
        ? user.credentials.principal.userEntityRef
        : undefined;
    const { permission } = request;
    if (
      permission.name === 'catalog.entity.read' &&
      isCatalogEntityPermission(permission) &&
      userRef === B
    ) {
      return createCatalogConditionalDecision(permission, {
        not: catalogConditions.hasMetadata({ key: 'name', value: 'ledger' }),
      });
    }
    if (permission.name === 'ai-assistant.ingestion.admin') {
      return {
        result:
          userRef === ADMIN ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Whether the permission is about catalog entities (what a catalog decision needs). */
function isCatalogEntityPermission(
  permission: PolicyQuery['permission'],
): permission is Parameters<typeof createCatalogConditionalDecision>[0] {
  return (
    permission.type === 'resource' &&
    permission.resourceType === 'catalog-entity'
  );
}

/** Installs {@link TestPolicy} in the permission backend, as a policy module does. */
export const testPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'mcp-test-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint, auth: coreServices.auth },
      async init({ policy, auth }) {
        policy.setPolicy(new TestPolicy(auth));
      },
    });
  },
});

/**
 * startTestBackend's mock auth, except that a token a plugin gets on a user's behalf names the
 * plugin as the actor, as a real backend's token does (the mock one passes for the user's own).
 * The permission backend tells the two apart: it refuses a user's own request for a resource
 * permission without a resource, and answers a plugin's (the catalog listing entities for the
 * user) with the policy's conditions.
 */
export const mockAuthWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const serviceToken = auth.getPluginRequestToken.bind(auth);
    const getPluginRequestToken: AuthService['getPluginRequestToken'] =
      async options =>
        auth.isPrincipal(options.onBehalfOf, 'user')
          ? {
              token: mockCredentials.user.token(
                options.onBehalfOf.principal.userEntityRef,
                { actor: { subject: `plugin:${plugin.getId()}` } },
              ),
            }
          : serviceToken(options);
    return Object.assign(auth, { getPluginRequestToken });
  },
});
