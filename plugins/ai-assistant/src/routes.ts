import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The AI assistant page.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'ai-assistant' });
