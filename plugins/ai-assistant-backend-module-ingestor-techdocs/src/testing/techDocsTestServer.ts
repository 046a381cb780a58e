import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import type { MkDocsSearchEntry } from '../searchIndex';

/** A loopback stand-in for the TechDocs backend's static docs. */
export interface TechDocsTestServer {
  /** What `discovery.getBaseUrl('techdocs')` answers, e.g. `http://127.0.0.1:4321/api/techdocs`. */
  baseUrl: string;
  /** Path and authorization header of every request. */
  requests: Array<{ path: string; authorization?: string }>;
  /** Serves a search index at `/static/docs/<path>/search/search_index.json`. */
  sites: Map<string, MkDocsSearchEntry[]>;
  /** Paths (as in `sites`) answered with this HTTP status instead. */
  failures: Map<string, number>;
  close(): Promise<void>;
}

/** Starts a {@link TechDocsTestServer} on 127.0.0.1 and a free port; unknown sites get 404. */
export async function startTechDocsTestServer(): Promise<TechDocsTestServer> {
  const requests: TechDocsTestServer['requests'] = [];
  const sites = new Map<string, MkDocsSearchEntry[]>();
  const failures = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push({ path, authorization: req.headers.authorization });
    const match = path.match(
      /^\/api\/techdocs\/static\/docs\/(.+)\/search\/search_index\.json$/,
    );
    const site = match && decodeURIComponent(match[1]);
    const failure = site ? failures.get(site) : undefined;
    if (failure) {
      res.writeHead(failure, { 'content-type': 'text/plain' });
      res.end('failure on purpose');
      return;
    }
    const docs = site ? sites.get(site) : undefined;
    if (!docs) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { name: 'NotFoundError' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ config: { lang: ['en'] }, docs }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/techdocs`,
    requests,
    sites,
    failures,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** An entity with a `backstage.io/techdocs-ref` annotation (or without, if `docs` is false). */
export function docsEntity(
  name: string,
  options: { kind?: string; namespace?: string; docs?: boolean } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: options.kind ?? 'Component',
    metadata: {
      name,
      namespace: options.namespace,
      annotations:
        options.docs === false ? {} : { 'backstage.io/techdocs-ref': 'dir:.' },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

/** A small two-page MkDocs search index, as MkDocs' `full` indexing writes it. */
export function paymentsSearchIndex(): MkDocsSearchEntry[] {
  return [
    {
      location: '',
      title: 'Payments',
      text: '<p>Payments handles card payments.</p><h2 id="setup">Setup</h2><p>Run <code>make</code>.</p>',
    },
    {
      location: '#payments',
      title: 'Payments',
      text: '<p>Payments handles card payments &amp; refunds.</p>',
    },
    {
      location: '#setup',
      title: 'Setup',
      text: '<p>Run <code>make setup</code> first.</p>',
    },
    {
      location: 'runbook/',
      title: 'Runbook',
      text: '<p>When payments fail, page the on-call.</p>',
    },
    {
      location: 'runbook/#rollback',
      title: 'Rolling back',
      text: '<p>Use <strong>helm rollback</strong>&nbsp;payments.</p><ul><li>check dashboards</li><li>tell #payments</li></ul>',
    },
    { location: 'runbook/#empty', title: 'Empty', text: '' },
  ];
}
