import { createHash } from 'node:crypto';
import {
  type LoopbackServer,
  type RecordedRequestBase,
  sendJson,
  startLoopbackServer,
} from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';

/**
 * A repository the fake GitHub serves.
 *
 * @public
 */
export interface FakeGithubRepository {
  name: string;
  defaultBranch?: string;
  archived?: boolean;
  fork?: boolean;
  /** Default: `public`. */
  visibility?: 'public' | 'private' | 'internal';
  /** No commits yet: the tree answers 409 as GitHub does. */
  empty?: boolean;
  files: Record<string, string | Buffer>;
}

/**
 * A request the fake GitHub received.
 *
 * @public
 */
export interface RecordedGithubRequest extends RecordedRequestBase {
  path: string;
  query: URLSearchParams;
}

/**
 * A running fake of the GitHub REST API on a loopback port.
 *
 * @public
 */
export interface GithubTestServer extends LoopbackServer<RecordedGithubRequest> {
  /** Replaces (or adds) the content of a file. */
  setFile(owner: string, repo: string, path: string, content: string): void;
  /** Requests whose path matches, e.g. `/git/blobs/`. */
  count(pathPart: string): number;
}

/**
 * The git blob sha of a content, as GitHub computes it.
 *
 * @public
 */
export function gitBlobSha(content: string | Buffer): string {
  const bytes = Buffer.from(content);
  return createHash('sha1')
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
}

/**
 * Options of {@link startGithubTestServer}.
 *
 * @public
 */
export interface GithubTestServerOptions {
  /**
   * The origin the `Link` headers of repository listings point to, e.g. another server's, to
   * play a compromised or misconfigured API. Default: this server's own.
   */
  pageLinkOrigin?: string;
}

/**
 * Serves organisations' repositories, their recursive trees and blobs the way the GitHub REST
 * API does, with `Link` pagination honouring `per_page`, and records every request.
 *
 * @public
 */
export async function startGithubTestServer(
  organizations: Record<string, FakeGithubRepository[]>,
  options: GithubTestServerOptions = {},
): Promise<GithubTestServer> {
  const blobs = new Map<string, Buffer>();
  const server = await startLoopbackServer<RecordedGithubRequest>({
    record: (base, url) => ({
      ...base,
      path: url.pathname,
      query: url.searchParams,
    }),
    fail(res, status, headers) {
      sendJson(res, { message: 'API rate limit exceeded' }, status, headers);
    },
    handle(req, res, _recorded, { url }) {
      const origin = options.pageLinkOrigin ?? `http://${req.headers.host}`;
      const parts = url.pathname
        .split('/')
        .filter(Boolean)
        .map(decodeURIComponent);
      const notFound = () => sendJson(res, { message: 'Not Found' }, 404);

      if (parts[0] === 'orgs' && parts[2] === 'repos' && parts.length === 3) {
        const repos = organizations[parts[1]];
        if (!repos) return notFound();
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(repos.length / perPage));
        const link = (p: number) => {
          const next = new URL(url.pathname + url.search, origin);
          next.searchParams.set('page', String(p));
          return next.toString();
        };
        const links = [];
        if (page < last) links.push(`<${link(page + 1)}>; rel="next"`);
        links.push(`<${link(last)}>; rel="last"`);
        return sendJson(
          res,
          repos.slice((page - 1) * perPage, page * perPage).map(r => ({
            name: r.name,
            full_name: `${parts[1]}/${r.name}`,
            default_branch: r.defaultBranch ?? 'main',
            archived: r.archived ?? false,
            fork: r.fork ?? false,
            private: (r.visibility ?? 'public') !== 'public',
            visibility: r.visibility ?? 'public',
          })),
          200,
          { link: links.join(', ') },
        );
      }

      if (parts[0] === 'repos' && parts[3] === 'git') {
        const repo = organizations[parts[1]]?.find(r => r.name === parts[2]);
        if (!repo) return notFound();
        if (parts[4] === 'trees') {
          if (repo.empty) {
            return sendJson(res, { message: 'Git Repository is empty.' }, 409);
          }
          if (parts.slice(5).join('/') !== (repo.defaultBranch ?? 'main')) {
            return notFound();
          }
          const folders = new Set<string>();
          const tree = Object.entries(repo.files).map(([path, content]) => {
            const segments = path.split('/');
            for (let i = 1; i < segments.length; i++) {
              folders.add(segments.slice(0, i).join('/'));
            }
            const sha = gitBlobSha(content);
            blobs.set(sha, Buffer.from(content));
            return {
              path,
              mode: '100644',
              type: 'blob',
              sha,
              size: Buffer.byteLength(content),
            };
          });
          return sendJson(res, {
            sha: 'root',
            truncated: false,
            tree: [
              ...[...folders].map(path => ({
                path,
                mode: '040000',
                type: 'tree',
                sha: `tree-${path}`,
              })),
              ...tree,
            ],
          });
        }
        if (parts[4] === 'blobs') {
          const content = blobs.get(parts[5]);
          if (!content) return notFound();
          return sendJson(res, {
            sha: parts[5],
            size: content.length,
            encoding: 'base64',
            content: content.toString('base64').replace(/(.{60})/g, '$1\n'),
          });
        }
      }
      return notFound();
    },
  });

  return {
    ...server,
    setFile(owner, repoName, path, content) {
      const repo = organizations[owner].find(r => r.name === repoName)!;
      repo.files[path] = content;
    },
    count(pathPart) {
      return server.requests.filter(r => r.path.includes(pathPart)).length;
    },
  };
}
