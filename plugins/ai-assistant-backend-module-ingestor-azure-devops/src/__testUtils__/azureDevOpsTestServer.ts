import { createHash } from 'node:crypto';
import {
  type LoopbackServer,
  type RecordedRequestBase,
  sendJson,
  startLoopbackServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';

/** A Git repository the fake Azure DevOps serves; file paths without a leading slash. */
export interface FakeAzureRepository {
  name: string;
  /** `undefined` for an empty repository. Default: `main`. */
  defaultBranch?: string | null;
  files: Record<string, string | Buffer>;
}

/** A project with repositories and, optionally, a project wiki (files as Azure stores them). */
export interface FakeAzureProject {
  /** Default: `public`. */
  visibility?: 'public' | 'private';
  repositories: FakeAzureRepository[];
  wiki?: { name: string; files: Record<string, string> };
}

/** A request the fake received. */
export interface RecordedAzureRequest extends RecordedRequestBase {
  path: string;
  query: URLSearchParams;
}

/** A running fake of the Azure DevOps REST API for one organisation. */
export interface AzureDevOpsTestServer extends LoopbackServer<RecordedAzureRequest> {
  /** `origin` + `/<organization>`, the ingestor's `baseUrl`. */
  baseUrl: string;
  /** Requests whose path contains a text, e.g. `/blobs/`. */
  count(pathPart: string): number;
}

function objectId(content: string | Buffer): string {
  const bytes = Buffer.from(content);
  return createHash('sha1')
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
}

/**
 * Serves projects (paged by `$top` with `x-ms-continuationtoken`), repositories, recursive item
 * listings, blobs and wikis the way Azure DevOps does. Project wikis are Git repositories with
 * the id `wiki-<project>` on branch `wikiMaster`.
 */
export async function startAzureDevOpsTestServer(
  organization: string,
  projects: Record<string, FakeAzureProject>,
): Promise<AzureDevOpsTestServer> {
  const repository = (project: string, id: string) => {
    const p = projects[project];
    if (!p) return undefined;
    if (id === `wiki-${project}` && p.wiki) {
      return {
        name: `${project}.wiki`,
        defaultBranch: 'wikiMaster',
        files: p.wiki.files,
      };
    }
    return p.repositories.find(r => `repo-${r.name}` === id);
  };
  const server = await startLoopbackServer<RecordedAzureRequest>({
    record: (base, url) => ({
      ...base,
      path: url.pathname,
      query: url.searchParams,
    }),
    fail(res, status, headers) {
      sendJson(res, { message: 'Too many requests' }, status, headers);
    },
    handle(_req, res, _recorded, { url }) {
      const parts = url.pathname
        .split('/')
        .filter(Boolean)
        .map(decodeURIComponent);
      const q = url.searchParams;
      const notFound = () => sendJson(res, { message: 'Not found' }, 404);
      if (parts[0] !== organization || q.get('api-version') !== '7.1') {
        return notFound();
      }
      const rest = parts.slice(1);

      if (rest.join('/') === '_apis/projects') {
        const names = Object.keys(projects);
        const top = Number(q.get('$top') ?? 100);
        const start = Number(q.get('continuationToken') ?? 0);
        const page = names.slice(start, start + top);
        const headers: Record<string, string> =
          start + top < names.length
            ? { 'x-ms-continuationtoken': String(start + top) }
            : {};
        return sendJson(
          res,
          {
            count: page.length,
            value: page.map(name => ({
              id: `id-${name}`,
              name,
              visibility: projects[name].visibility ?? 'public',
            })),
          },
          200,
          headers,
        );
      }

      const [project, apis, area, kind, id, sub, objectIdParam] = rest;
      if (!projects[project] || apis !== '_apis') return notFound();
      if (area === 'wiki' && kind === 'wikis') {
        const wiki = projects[project].wiki;
        return sendJson(res, {
          value: wiki
            ? [
                {
                  id: `wikiid-${project}`,
                  name: wiki.name,
                  type: 'projectWiki',
                  repositoryId: `wiki-${project}`,
                  versions: [{ version: 'wikiMaster' }],
                },
              ]
            : [],
        });
      }
      if (area !== 'git' || kind !== 'repositories') return notFound();
      if (!id) {
        return sendJson(res, {
          value: projects[project].repositories.map(r => ({
            id: `repo-${r.name}`,
            name: r.name,
            defaultBranch:
              r.defaultBranch === null
                ? undefined
                : `refs/heads/${r.defaultBranch ?? 'main'}`,
          })),
        });
      }
      const repo = repository(project, id);
      if (!repo) return notFound();
      if (sub === 'items') {
        if (
          q.get('recursionLevel') !== 'Full' ||
          q.get('versionDescriptor.version') !== (repo.defaultBranch ?? 'main')
        ) {
          return notFound();
        }
        const folders = new Set<string>(['/']);
        const blobs = Object.entries(repo.files).map(([path, content]) => {
          const segments = path.split('/');
          for (let i = 1; i < segments.length; i++) {
            folders.add(`/${segments.slice(0, i).join('/')}`);
          }
          return {
            objectId: objectId(content),
            gitObjectType: 'blob',
            path: `/${path}`,
          };
        });
        return sendJson(res, {
          count: folders.size + blobs.length,
          value: [
            ...[...folders].map(path => ({
              objectId: `tree-${path}`,
              gitObjectType: 'tree',
              path,
              isFolder: true,
            })),
            ...blobs,
          ],
        });
      }
      if (sub === 'blobs') {
        const content = Object.values(repo.files).find(
          c => objectId(c) === objectIdParam,
        );
        if (content === undefined) return notFound();
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from(content));
        return undefined;
      }
      return notFound();
    },
  });
  return {
    ...server,
    baseUrl: `${server.origin}/${organization}`,
    count(pathPart) {
      return server.requests.filter(r => r.path.includes(pathPart)).length;
    },
  };
}
