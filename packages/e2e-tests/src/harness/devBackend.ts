import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { join, resolve } from 'node:path';
import { freePort } from './freePort';
import { waitFor } from './waitFor';

/** The repository root, from this file's place in packages/e2e-tests/src/harness. */
// eslint-disable-next-line no-restricted-syntax -- test code, run from source, never bundled
export const repoRoot = resolve(__dirname, '../../../..');
const backendDir = join(repoRoot, 'packages/backend');

/** A running dev backend (packages/backend), serving the built app on its own port. */
export interface DevBackend {
  /** E.g. `http://localhost:41234`: the app and the API. */
  baseUrl: string;
  /** A user token of the guest user, for API calls the test makes itself. */
  guestToken(): Promise<string>;
  /** The last lines the backend logged, to show when a test fails. */
  logTail(lines?: number): string;
  /** Every line the backend logged so far, whole and without colors (e.g. audit events). */
  logLines(): string[];
  stop(): Promise<void>;
}

/** Whether a 200 from `/healthcheck` is the healthcheck module's `{"status":"ok"}`. */
function isHealthcheckOk(res: Response, body: string): boolean {
  if (!res.headers.get('content-type')?.startsWith('application/json')) {
    return false;
  }
  try {
    const json = JSON.parse(body);
    return Object.keys(json).length === 1 && json.status === 'ok';
  } catch {
    return false;
  }
}

/**
 * Starts packages/backend as `yarn start` does (TypeScript through Backstage's node transform,
 * NODE_ENV=development), but without the file watcher, on a free port, with app-config.yaml
 * and `config` layered on top; resolves once `/healthcheck` answers `200 {"status":"ok"}` (any
 * other 200 is an error). The app-backend plugin serves packages/app/dist, so the built app
 * and the API share the port, as in production.
 */
export async function startDevBackend(
  config: Record<string, unknown>,
): Promise<DevBackend> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'ai-assistant-e2e-'));
  const configFile = join(dir, 'app-config.e2e.yaml');
  const layered = {
    ...config,
    app: { ...(config.app as object), baseUrl },
    backend: {
      ...(config.backend as object),
      baseUrl,
      listen: { port },
      cors: { origin: baseUrl, credentials: true },
    },
  };
  // JSON is YAML: no YAML library needed to write the layer.
  writeFileSync(configFile, JSON.stringify(layered, null, 2));
  const logFile = join(dir, 'backend.log');
  const log = openSync(logFile, 'w');

  const { NODE_OPTIONS: _jestNodeOptions, ...env } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
        paths: [backendDir],
      }),
      'src/index',
      '--config',
      join(repoRoot, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: backendDir,
      env: { ...env, NODE_ENV: 'development', FORCE_COLOR: '0' },
      stdio: ['ignore', log, log],
    },
  );
  let exited = false;
  const exit = new Promise<void>(done =>
    child.once('exit', () => {
      exited = true;
      closeSync(log);
      done();
    }),
  );
  const logLines = () =>
    stripVTControlCharacters(readFileSync(logFile, 'utf8')).split('\n');
  // What the backend said, without colors and without its log line per HTTP request.
  const logTail = (lines = 30) =>
    logLines()
      .filter(line => !line.includes('type="incomingRequest"'))
      .slice(-lines)
      .map(line => line.slice(0, 400))
      .join('\n');

  const stop = async () => {
    if (exited) {
      return;
    }
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(killer);
  };

  try {
    const outcome = await waitFor(
      `the dev backend to answer /healthcheck on ${baseUrl}`,
      async () => {
        if (exited) {
          return 'exited';
        }
        const res = await fetch(`${baseUrl}/healthcheck`);
        if (!res.ok) {
          return undefined; // 503 while starting
        }
        // Only the healthcheck module's JSON means ready; the app-backend answers unknown paths
        // with index.html and 200, which must never reach /healthcheck.
        const body = await res.text();
        return isHealthcheckOk(res, body)
          ? 'ready'
          : `GET /healthcheck answered ${res.status} ${res.headers.get('content-type')} ${body.slice(0, 200)}`;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    if (outcome === 'exited') {
      throw new Error('The dev backend exited during startup');
    }
    if (outcome !== 'ready') {
      throw new Error(
        `${outcome}, not the healthcheck module's {"status":"ok"}`,
      );
    }
  } catch (error) {
    await stop();
    throw new Error(`${error}\n--- backend log ---\n${logTail()}`);
  }

  return {
    baseUrl,
    async guestToken() {
      const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      if (!res.ok) {
        throw new Error(
          `Guest sign-in failed: HTTP ${res.status} ${await res.text()}`,
        );
      }
      const body = await res.json();
      return body.backstageIdentity.token;
    },
    logTail,
    logLines,
    stop,
  };
}
