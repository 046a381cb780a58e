import type { AnyApiFactory } from '@backstage/core-plugin-api';

/**
 * App-wide API overrides. None are needed: `@backstage/app-defaults` provides discovery, fetch,
 * identity and storage, and each plugin (the AI assistant's client included) brings its own.
 */
export const apis: AnyApiFactory[] = [];
