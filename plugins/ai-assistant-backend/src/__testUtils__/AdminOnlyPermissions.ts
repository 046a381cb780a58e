import { aiAssistantIngestionAdminPermission } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RecordingPermissions } from './chatBackend';

/** A policy that allows everything, except the admin permission to anyone but `admin`. */
export class AdminOnlyPermissions extends RecordingPermissions {
  constructor(private readonly admin = 'user:default/admin') {
    super();
  }

  async authorize(requests: any[], options?: any) {
    const caller = options?.credentials?.principal?.userEntityRef;
    const decisions = await super.authorize(requests);
    return requests.map((r, i) =>
      r.permission.name === aiAssistantIngestionAdminPermission.name &&
      caller !== this.admin
        ? { result: AuthorizeResult.DENY }
        : decisions[i],
    ) as any;
  }
}
