import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { AiAssistantTool } from '@ai-assistant/backstage-plugin-ai-assistant-node';

/**
 * Every tool the assistant knows (built-in and from modules), and the subset one user is
 * offered: non-mutating tools unless an admin allowed mutating ones, and tools with a
 * permission only when the user has it.
 */
export class ToolSet {
  constructor(
    private readonly options: {
      tools: AiAssistantTool[];
      permissions: PermissionsService;
      allowMutating: boolean;
    },
  ) {}

  /** The tools to offer the model for one answer, checked in one batched call. */
  async forUser(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<AiAssistantTool[]> {
    const enabled = this.options.tools.filter(
      tool => tool.mutating !== true || this.options.allowMutating,
    );
    const guarded = enabled.filter(tool => tool.permission);
    if (guarded.length === 0) {
      return enabled;
    }
    const decisions = await this.options.permissions.authorize(
      guarded.map(tool => ({ permission: tool.permission! })),
      { credentials },
    );
    const denied = new Set(
      guarded.filter(
        (_tool, index) => decisions[index]?.result !== AuthorizeResult.ALLOW,
      ),
    );
    return enabled.filter(tool => !denied.has(tool));
  }
}
