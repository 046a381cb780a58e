import type { AuditorService } from '@backstage/backend-plugin-api';
import type { Request } from 'express';

/**
 * The auditor with every event attributed to the caller of `req` (user, IP, client), for the
 * chat classes, which know nothing of HTTP.
 */
export function auditorFor(
  auditor: AuditorService | undefined,
  req: Request,
): AuditorService | undefined {
  return (
    auditor && {
      createEvent: options =>
        auditor.createEvent({ ...options, request: options.request ?? req }),
    }
  );
}
