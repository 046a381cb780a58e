import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { AiAssistantClient, aiAssistantApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * The AI assistant frontend plugin, for apps on the legacy frontend system.
 *
 * @public
 */
export const aiAssistantPlugin = createPlugin({
  id: 'ai-assistant',
  apis: [
    createApiFactory({
      api: aiAssistantApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AiAssistantClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The AI assistant chat page; mount it with
 * `<Route path="/ai-assistant" element={<AiAssistantPage />} />`.
 *
 * @public
 */
export const AiAssistantPage = aiAssistantPlugin.provide(
  createRoutableExtension({
    name: 'AiAssistantPage',
    component: () =>
      import('./components/AiAssistantPage').then(m => m.AiAssistantPage),
    mountPoint: rootRouteRef,
  }),
);
