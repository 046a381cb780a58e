import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';

/** One run of a test action, as the action itself saw it. */
export interface TestActionRun {
  actionId: string;
  input: unknown;
  /** Who the registry says called it. */
  caller?: string;
}

/** The plugin id of {@link createTestActionsPlugin}; list it in `backend.actions.pluginSources`. */
export const TEST_ACTIONS_PLUGIN_ID = 'test-actions';

/**
 * A plugin that registers actions with the real Actions Registry and records every run:
 * `test-actions:service-status` (read-only), `test-actions:restart-service` (destructive, the
 * registry's default for an action not declared read-only) and `test-actions:scale-service`
 * (read-only, for "not on the allow-list").
 */
export function createTestActionsPlugin(runs: TestActionRun[]) {
  return createBackendPlugin({
    pluginId: TEST_ACTIONS_PLUGIN_ID,
    register(env) {
      env.registerInit({
        deps: { registry: actionsRegistryServiceRef },
        async init({ registry }) {
          const record = (actionId: string, input: unknown, credentials: any) =>
            runs.push({
              actionId,
              input,
              caller: credentials?.principal?.userEntityRef,
            });
          registry.register({
            name: 'service-status',
            title: 'Service status',
            description: 'Reads whether a service is running.',
            attributes: { readOnly: true },
            schema: {
              input: z => z.object({ service: z.string() }),
              output: z => z.object({ status: z.string() }),
            },
            action: async ({ input, credentials }) => {
              record('test-actions:service-status', input, credentials);
              return { output: { status: `${input.service} is running` } };
            },
          });
          registry.register({
            name: 'restart-service',
            title: 'Restart service',
            description: 'Restarts a service.',
            schema: {
              input: z =>
                z.object({
                  service: z.string(),
                  reason: z.string().optional(),
                }),
              output: z => z.object({ restarted: z.string() }),
            },
            action: async ({ input, credentials }) => {
              record('test-actions:restart-service', input, credentials);
              return { output: { restarted: input.service } };
            },
          });
          registry.register({
            name: 'scale-service',
            title: 'Scale service',
            description: 'Reads the replica count of a service.',
            attributes: { readOnly: true },
            schema: {
              input: z => z.object({ service: z.string() }),
              output: z => z.object({ replicas: z.number() }),
            },
            action: async ({ input, credentials }) => {
              record('test-actions:scale-service', input, credentials);
              return { output: { replicas: 3 } };
            },
          });
        },
      });
    },
  });
}
