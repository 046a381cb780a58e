import {
  createApiFactory,
  createComponentExtension,
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
export const AiAssistantPage: () => JSX.Element = aiAssistantPlugin.provide(
  createRoutableExtension({
    name: 'AiAssistantPage',
    component: () =>
      import('./components/AiAssistantPage').then(m => m.AiAssistantPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * A card for catalog entity pages that asks the AI assistant about the page's entity: a
 * question field and example questions; asking opens the assistant page with the entity as
 * context. Add it to the entity page's overview, e.g.
 * `<Grid item md={6}><EntityAiAssistantCard /></Grid>`.
 *
 * @public
 */
export const EntityAiAssistantCard: (props: {
  /** The card's title; default "Ask the AI Assistant". */
  title?: string;
}) => JSX.Element = aiAssistantPlugin.provide(
  createComponentExtension({
    name: 'EntityAiAssistantCard',
    component: {
      lazy: () =>
        import('./components/EntityAiAssistantCard').then(
          m => m.EntityAiAssistantCard,
        ),
    },
  }),
);
