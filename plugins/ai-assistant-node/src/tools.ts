import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import type { JsonValue } from '@backstage/types';
import type { z } from 'zod';

/**
 * What a tool receives besides its input.
 *
 * @public
 */
export interface AiAssistantToolContext {
  /** The credentials of the user who asked; tools act on their behalf only. */
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  /** Aborted when the user stops the answer. */
  signal: AbortSignal;
}

/**
 * A function the model may call while answering.
 *
 * @public
 */
export interface AiAssistantTool<TInput extends z.ZodTypeAny = z.ZodTypeAny> {
  /** Name the model calls the tool by: letters, digits, `_` and `-`. */
  name: string;
  /** Tells the model when and how to use the tool. */
  description: string;
  /** Validates the model's arguments before `invoke` runs. */
  schema: TInput;
  /** When set, the tool is offered only to users this permission allows. */
  permission?: BasicPermission;
  /**
   * Whether the tool changes state somewhere. Such tools are offered only when an admin
   * enables them. Defaults to false.
   */
  mutating?: boolean;
  /** Runs the tool. Its result is shown to the model as JSON or text. */
  invoke(
    input: z.infer<TInput>,
    context: AiAssistantToolContext,
  ): Promise<JsonValue>;
}
