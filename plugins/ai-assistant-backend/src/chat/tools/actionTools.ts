import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  ActionsService,
  ActionsServiceAction,
} from '@backstage/backend-plugin-api/alpha';
import type { ChatApprovalRequest } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { JsonObject, JsonValue } from '@backstage/types';

/** What of an Actions Registry action a chat needs; also what a paused answer stores. */
export type ActionInfo = Pick<
  ActionsServiceAction,
  'id' | 'title' | 'description' | 'attributes'
>;

/** An Actions Registry action offered to the model as a tool. */
export interface ActionTool {
  /** The tool name the model calls it by (model-safe, unique among the offered tools). */
  name: string;
  action: ActionInfo;
  /** The action's input JSON schema, as the model gets it. */
  inputSchema: Record<string, unknown>;
}

// OpenAI-style function names: what every provider we support accepts.
const MAX_TOOL_NAME = 64;

/**
 * The tool name for an action id, e.g. `catalog:register-entity` →
 * `catalog__register-entity`: providers accept only letters, digits, `_` and `-` in tool
 * names, so the `:` and anything else goes, and a name already taken (by a built-in tool or
 * another action) gets a number.
 */
export function toolNameFor(actionId: string, taken: Set<string>): string {
  const base = actionId
    .replace(/:/g, '__')
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, MAX_TOOL_NAME);
  let name = base;
  for (let n = 2; taken.has(name); n++) {
    const suffix = `_${n}`;
    name = `${base.slice(0, MAX_TOOL_NAME - suffix.length)}${suffix}`;
  }
  return name;
}

/**
 * Whether running an action needs the user's approval first: anything not declared
 * read-only, since only read-only actions are known not to change anything.
 */
export function needsApproval(action: ActionInfo): boolean {
  return action.attributes.readOnly !== true;
}

/** The approval request the page shows for a call of an action that needs approval. */
export function approvalRequestFor(
  id: string,
  action: ActionInfo,
  input: JsonObject,
): ChatApprovalRequest {
  return {
    id,
    actionId: action.id,
    title: action.title || action.id,
    ...(action.description && { description: action.description }),
    input,
    attributes: {
      readOnly: action.attributes.readOnly === true,
      destructive: action.attributes.destructive === true,
      idempotent: action.attributes.idempotent === true,
    },
  };
}

/**
 * Actions of Backstage's Actions Registry offered to the model as tools: only those whose id
 * an admin put on the allow-list (`aiAssistant.actions.tools`, default none), and of those
 * only the ones the asking user may see (the registry is asked with their credentials). Calls
 * run with the asking user's credentials too, so an action can do no more than the user could.
 */
export class ActionTools {
  constructor(
    private readonly options: {
      actions: ActionsService;
      /** Action ids that may be offered. */
      allowList: string[];
      logger: LoggerService;
    },
  ) {}

  /**
   * The allowed actions the user may see, as tools named apart from `takenNames` (the other
   * tools' names). When the registry cannot be read, none: the chat still answers.
   */
  async forUser(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    takenNames: string[] = [],
  ): Promise<ActionTool[]> {
    const allowed = new Set(this.options.allowList);
    if (allowed.size === 0) {
      return [];
    }
    let listed: ActionsServiceAction[];
    try {
      ({ actions: listed } = await this.options.actions.list({ credentials }));
    } catch (error) {
      this.options.logger.warn(
        `AI assistant could not list the actions of the Actions Registry, so none are offered to the model: ${error}`,
      );
      return [];
    }
    const taken = new Set(takenNames);
    return listed
      .filter(action => allowed.has(action.id))
      .map(action => {
        const name = toolNameFor(action.id, taken);
        taken.add(name);
        return {
          name,
          action: {
            id: action.id,
            title: action.title,
            description: action.description,
            attributes: action.attributes,
          },
          inputSchema: modelSchema(action.schema?.input),
        };
      });
  }

  /** Runs an action as the asking user, with exactly `input`; returns its output. */
  async invoke(
    actionId: string,
    input: JsonObject,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<JsonValue> {
    const { output } = await this.options.actions.invoke({
      id: actionId,
      input,
      credentials,
    });
    return output ?? null;
  }
}

/** The tool description the model reads: what the action does, and that it may ask first. */
export function describeActionTool(tool: ActionTool): string {
  const { title, description } = tool.action;
  const text = [title, description].filter(Boolean).join(': ');
  return needsApproval(tool.action)
    ? `${text} (Changes things: the user is asked to approve each call before it runs.)`
    : text;
}

// The registry gives JSON schema drafts with `$schema`, which some providers refuse; the
// model needs an object schema at the top.
function modelSchema(schema: unknown): Record<string, unknown> {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
    return { type: 'object', properties: {} };
  }
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return rest.type === 'object' ? rest : { type: 'object', properties: {} };
}
