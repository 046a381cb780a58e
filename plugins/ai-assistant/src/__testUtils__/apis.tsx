import {
  configApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  type PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { mockApis, TestApiProvider } from '@backstage/test-utils';
import type { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { AiAssistantClient, aiAssistantApiRef } from '../api';

/** Where the tests' msw handlers answer. */
export const BASE_URL = 'http://localhost:7007/api/ai-assistant';

/** App-config as the frontend sees it. */
export type TestConfig = NonNullable<
  Parameters<typeof mockApis.config>[0]
>['data'];

const discoveryApi = mockApis.discovery({ baseUrl: 'http://localhost:7007' });
// The browser's fetch, late-bound so msw's interception applies; it streams bodies as web
// ReadableStreams, as in a real browser.
const fetchApi = {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
};

/** A client wired as the plugin wires it, talking to msw. */
export function createTestClient(): AiAssistantClient {
  return new AiAssistantClient({ discoveryApi, fetchApi });
}

/**
 * The APIs the page needs; `admin` decides the ingestion admin permission, `config` is the
 * app-config the frontend sees.
 */
export function TestApis(props: {
  children: ReactNode;
  admin?: boolean;
  config?: TestConfig;
  /** Instead of the immediate answer of `admin`, e.g. one that arrives when the test says. */
  permissionApi?: PermissionApi;
}) {
  // usePermission caches answers in SWR's global cache; a fresh cache per render keeps one
  // test's permission from leaking into the next.
  return (
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [configApiRef, mockApis.config({ data: props.config })],
          [discoveryApiRef, discoveryApi],
          [fetchApiRef, fetchApi],
          [aiAssistantApiRef, createTestClient()],
          [
            permissionApiRef,
            props.permissionApi ??
              mockApis.permission({
                authorize: props.admin
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.DENY,
              }),
          ],
        ]}
      >
        {props.children}
      </TestApiProvider>
    </SWRConfig>
  );
}
