import {
  coreServices,
  createBackendFeatureLoader,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';

/**
 * The config key that turns the test action on: the URL of the browser test's loopback
 * recorder. TEST ONLY: nothing in a real deployment sets it, so normally nothing is added.
 */
export const E2E_RECORDER_URL_KEY = 'aiAssistantDev.testActions.recorderUrl';

/**
 * A plugin with one action for the browser e2e of action approval (issue 16):
 * `e2e-test-actions:create-ticket`, declared destructive and not read-only, so the assistant
 * must ask the user before running it. Running it POSTs its exact input to the recorder, where
 * the test counts the runs and checks the arguments.
 */
const e2eTestActionsPlugin = createBackendPlugin({
  pluginId: 'e2e-test-actions',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({ config, actionsRegistry }) {
        const recorderUrl = config.getString(E2E_RECORDER_URL_KEY);
        actionsRegistry.register({
          name: 'create-ticket',
          title: 'Create ticket',
          description:
            "Opens a ticket in a team's tracker (test action of the browser tests: it records its input).",
          attributes: { readOnly: false, destructive: true, idempotent: false },
          schema: {
            input: z =>
              z.object({
                team: z.string().describe('The team whose tracker gets it'),
                summary: z.string().describe('One line saying what to do'),
                priority: z.number().int().min(1).max(4).optional(),
              }),
            output: z => z.object({ ticketId: z.string() }),
          },
          action: async ({ input }) => {
            const res = await fetch(recorderUrl, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify(input),
            });
            if (!res.ok) {
              throw new Error(`The test recorder answered HTTP ${res.status}`);
            }
            return { output: (await res.json()) as { ticketId: string } };
          },
        });
      },
    });
  },
});

/**
 * Adds {@link e2eTestActionsPlugin} only when {@link E2E_RECORDER_URL_KEY} is set, so the dev
 * backend run by hand (or the image) has no test action and no extra plugin.
 */
export const e2eTestActionsFeature = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  loader({ config }) {
    return config.has(E2E_RECORDER_URL_KEY) ? [e2eTestActionsPlugin] : [];
  },
});
