import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The repository root (two levels above this `backend` package), so tests read the real
 * project files wherever jest runs them from.
 *
 * @internal
 */
export const repoRoot = resolvePackagePath('backend', '../..');

/**
 * Reads a file of the repository as text.
 *
 * @param path - Path relative to the repository root.
 * @internal
 */
export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/**
 * Whether a path relative to the repository root exists.
 *
 * @internal
 */
export function repoPathExists(path: string): boolean {
  return existsSync(join(repoRoot, path));
}

/**
 * The `package.json` paths of every workspace package under `plugins/` that declares a
 * `configSchema`, i.e. every package whose config keys users can set.
 *
 * @internal
 */
export function pluginPackagesWithConfigSchema(): string[] {
  return readdirSync(join(repoRoot, 'plugins'))
    .map(dir => join(repoRoot, 'plugins', dir, 'package.json'))
    .filter(
      path =>
        existsSync(path) && JSON.parse(readFileSync(path, 'utf8')).configSchema,
    );
}
