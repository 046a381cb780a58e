import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { AiAssistantTool } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import type { AnswerActions } from './answerState';
import type { ActionTools } from './tools/actionTools';
import {
  ToolCallBudget,
  type ToolCallLimits,
  type ToolCallRateLimit,
} from './ToolCallBudget';

/**
 * Every tool the assistant knows (built-in and from modules), and the subset one user is
 * offered: tools that change state (`mutating`) only when an admin enabled them, all at once
 * (`aiAssistant.tools.allowMutating`) or by name (`aiAssistant.tools.enabledMutatingTools`),
 * and tools with a permission only when the user has it. Tools run with the asking user's
 * credentials (see streamAnswer), never the plugin's own, and within a per-answer
 * {@link ToolCallBudget}. Actions of Backstage's Actions Registry on the admins' allow-list
 * are offered besides (see {@link ActionTools}), and count against the same budget.
 */
export class ToolSet {
  constructor(
    private readonly options: {
      tools: AiAssistantTool[];
      permissions: PermissionsService;
      allowMutating: boolean;
      /** Names of mutating tools enabled one by one. Default: none. */
      enabledMutatingTools?: string[];
      /** Caps on the tool calls of one answer. */
      callLimits: ToolCallLimits;
      /** The chat rate limit, which tool calls after the first of an answer count against. */
      rateLimit?: ToolCallRateLimit;
      /** Actions Registry actions offered as tools (`aiAssistant.actions.tools`). */
      actions?: ActionTools;
    },
  ) {}

  /**
   * A budget of tool calls for one answer of the user: fresh, or, for an answer continuing
   * after the user's approval, with the calls it already made counted.
   */
  budget(userRef: string, alreadyUsed = 0): ToolCallBudget {
    return new ToolCallBudget({
      ...this.options.callLimits,
      userRef,
      rateLimit: this.options.rateLimit,
      alreadyUsed,
    });
  }

  /**
   * The Actions Registry actions to offer the model for one answer: those on the allow-list
   * that the user may see, named apart from the built-in and module tools.
   */
  async actionsForUser(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<AnswerActions | undefined> {
    const { actions } = this.options;
    if (!actions) {
      return undefined;
    }
    const offered = await actions.forUser(
      credentials,
      this.options.tools.map(tool => tool.name),
    );
    return { offered, runner: actions };
  }

  /** The tools to offer the model for one answer, checked in one batched call. */
  async forUser(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<AiAssistantTool[]> {
    const enabled = this.options.tools.filter(tool => this.isEnabled(tool));
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

  private isEnabled(tool: AiAssistantTool): boolean {
    const { allowMutating, enabledMutatingTools = [] } = this.options;
    return (
      tool.mutating !== true ||
      allowMutating ||
      enabledMutatingTools.includes(tool.name)
    );
  }
}
