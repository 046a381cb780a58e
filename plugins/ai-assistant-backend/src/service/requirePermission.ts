import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import type express from 'express';

/**
 * A guard for routes: the caller must be a signed-in user (401 otherwise) whom the permission
 * policy allows `permission` (403 otherwise, naming the permission). Returns their credentials.
 */
export type PermissionGuard = (
  req: express.Request,
  permission: BasicPermission,
) => Promise<BackstageCredentials<BackstageUserPrincipal>>;

/** Creates the {@link PermissionGuard} every route of the plugin uses. */
export function createPermissionGuard(
  httpAuth: HttpAuthService,
  permissions: PermissionsService,
): PermissionGuard {
  return async (req, permission) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await requirePermission(permissions, credentials, permission);
    return credentials;
  };
}

/**
 * Refuses (403, naming the permission) unless the policy allows `permission` to the caller;
 * for callers without an HTTP request of their own, e.g. actions.
 */
export async function requirePermission(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: BasicPermission,
): Promise<void> {
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `This needs the ${permission.name} permission of the AI assistant`,
    );
  }
}
