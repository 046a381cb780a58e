import { InputError } from '@backstage/errors';
import type express from 'express';
import type { z } from 'zod';

/** Parses input with a zod schema; what is wrong becomes a 400 that says so. */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(issue =>
        issue.path.length > 0
          ? `${issue.path.join('.')}: ${issue.message}`
          : issue.message,
      )
      .join('; ');
    throw new InputError(`Invalid ${what}: ${issues}`);
  }
  return result.data;
}

/** Routes without query parameters refuse them, so typos and probes get a clear 400. */
export function rejectQuery(req: express.Request) {
  const keys = Object.keys(req.query);
  if (keys.length > 0) {
    throw new InputError(
      `Invalid query: ${req.method} ${req.path} takes no query parameters, got ${keys.slice(0, 5).join(', ')}`,
    );
  }
}

/**
 * The query with repeated (`?limit=1&limit=2`) or nested (`?limit[]=1`) parameters refused:
 * zod's number coercion would otherwise quietly read `['1']` as 1.
 */
export function singleValues(
  query: express.Request['query'],
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      throw new InputError(
        `Invalid query: ${key} must be given once, as a plain value`,
      );
    }
    values[key] = value;
  }
  return values;
}
