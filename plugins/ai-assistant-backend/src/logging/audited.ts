import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';

/**
 * Runs an admin or user action as one audit event: created before `fn` runs, then marked
 * succeeded, or failed with the error (which is rethrown). Without an auditor, `fn` just runs.
 */
export async function audited<T>(
  auditor: AuditorService | undefined,
  options: AuditorServiceCreateEventOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const event = await auditor?.createEvent(options);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await event?.fail({ error: toError(error) });
    throw error;
  }
  await event?.success();
  return result;
}
