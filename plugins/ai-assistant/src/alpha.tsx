import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { AiAssistantClient, aiAssistantApiRef } from './api';
import { AiAssistantIcon } from './components/AiAssistantIcon';

/** The page's route in the new frontend system. */
const rootRouteRef = createRouteRef();

const aiAssistantApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: aiAssistantApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AiAssistantClient({ discoveryApi, fetchApi }),
    }),
});

// The app builds the sidebar from pages that have a title and an icon; NavItemBlueprint is
// gone from @backstage/frontend-plugin-api 1.0.
const aiAssistantPage = PageBlueprint.make({
  params: {
    path: '/ai-assistant',
    title: 'AI Assistant',
    icon: <AiAssistantIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/AiAssistantPage').then(m => (
        <m.AiAssistantContent />
      )),
  },
});

// "Ask about this entity" on the overview of every entity page.
const entityAiAssistantCard = EntityCardBlueprint.make({
  name: 'ask',
  params: {
    loader: () =>
      import('./components/EntityAiAssistantCard').then(m => (
        <m.EntityAiAssistantCard />
      )),
  },
});

/**
 * The AI assistant plugin for the new frontend system: the page at `/ai-assistant` (which
 * also puts the item in the sidebar), the API client and an "Ask the AI Assistant" card on
 * entity pages.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'ai-assistant',
  title: 'AI Assistant',
  icon: <AiAssistantIcon />,
  extensions: [aiAssistantApi, aiAssistantPage, entityAiAssistantCard],
  routes: { root: rootRouteRef },
});
