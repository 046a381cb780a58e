import { InputError } from '@backstage/errors';
import { UUID } from './conversationRows';

const CURSOR_TIME = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** `text` for a LIKE pattern that matches it literally (backslash is Postgres' escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, match => `\\${match}`);
}

/**
 * The `nextCursor` of a page of conversations: the last one's activity time (to the
 * microsecond) and id. Opaque to clients, so the paging key can change without changing the API.
 */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');
}

/** The keyset of a `nextCursor`; InputError for anything encodeCursor did not make. */
export function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .split('|');
  if (
    rest.length > 0 ||
    !CURSOR_TIME.test(at ?? '') ||
    !isRealTime(at) ||
    !UUID.test(id ?? '')
  ) {
    throw new InputError(
      'Invalid query: before: not a nextCursor of this API; use the nextCursor of the previous page',
    );
  }
  return { at, id };
}

// E.g. February 30th passes the pattern but would make the database fail.
function isRealTime(at: string): boolean {
  const millis = `${at.slice(0, 23)}Z`;
  const parsed = new Date(millis);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === millis;
}
