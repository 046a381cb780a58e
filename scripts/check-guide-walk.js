#!/usr/bin/env node
/*
 * Lays out the scratch Backstage app of scripts/check-guide-walk.sh from the deployment guide
 * itself (docs/deployment.md), so the check follows the guide when the guide changes:
 *
 * - step 1's `yarn --cwd packages/<app|backend> add <package>` lines, plus the "Other modules"
 *   it names, become one `yarn add` per workspace of the packed tarballs (printed as JSON);
 * - step 2's import, `<Route>` and `<SidebarItem>` lines go into packages/app/src/App.tsx and
 *   packages/app/src/components/Root/Root.tsx of a minimal Backstage app;
 * - step 3's block goes verbatim into packages/backend/src/index.ts (its imports moved to the
 *   top), followed by `backend.add` for every other installed backend module, so all packed
 *   packages are installed and started.
 *
 * Fails, naming it, when the guide installs a package no tarball provides, or when a packed
 * package is neither installed by the guide nor a dependency of one that is.
 *
 *   node scripts/check-guide-walk.js <tarball-dir> <scratch-dir>
 *
 * Prints {"app": ["name@file:..."], "backend": [...]} for the `yarn add` commands.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const {
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const [tarballDir, scratch] = process.argv.slice(2).map(p => resolve(p));
if (!tarballDir || !scratch) {
  console.error(
    'usage: node scripts/check-guide-walk.js <tarball-dir> <scratch-dir>',
  );
  process.exit(2);
}

function fail(message) {
  console.error(`guide walk: ${message}`);
  process.exit(1);
}

const readJson = path => JSON.parse(readFileSync(path, 'utf8'));
function write(path, text) {
  mkdirSync(dirname(join(scratch, path)), { recursive: true });
  writeFileSync(join(scratch, path), text);
}

/** The text of the guide between the heading starting with `from` and the next `###`. */
function section(guide, from) {
  const start = guide.indexOf(`\n${from}`);
  if (start < 0) fail(`docs/deployment.md has no "${from}" section`);
  const end = guide.indexOf('\n### ', start + 1);
  return guide.slice(start, end < 0 ? undefined : end);
}

/** The fenced code blocks of a piece of markdown, in order. */
const codeBlocks = text =>
  [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map(m => m[1]);

// The packed packages: npm name -> { file, manifest }.
const packed = new Map(
  readdirSync(tarballDir)
    .filter(file => file.endsWith('.tgz'))
    .map(file => {
      const manifest = JSON.parse(
        execFileSync(
          'tar',
          ['xzOf', join(tarballDir, file), 'package/package.json'],
          {
            encoding: 'utf8',
          },
        ),
      );
      return [manifest.name, { file: join(tarballDir, file), manifest }];
    }),
);

const guide = readFileSync(join(root, 'docs/deployment.md'), 'utf8');

// Step 1: which package goes into which workspace.
const step1 = section(guide, '### Step 1');
const adds = { app: [], backend: [] };
for (const [, workspace, name] of step1.matchAll(
  /^yarn --cwd packages\/(app|backend) add (\S+)/gm,
)) {
  adds[workspace].push(name);
}
// "Other modules: `...-embeddings-provider-ollama`, ...": the same backend module prefix.
const modulePrefix = adds.backend
  .find(name => name.includes('-backend-module-'))
  ?.replace(/-backend-module-.*/, '-backend-module');
for (const [, suffix] of step1.matchAll(/`\.\.\.-([a-z0-9-]+)`/g)) {
  adds.backend.push(`${modulePrefix}-${suffix}`);
}
if (!adds.app.length || !adds.backend.length) {
  fail(
    'step 1 of docs/deployment.md installs nothing into packages/app or packages/backend',
  );
}
for (const name of [...adds.app, ...adds.backend]) {
  if (!packed.has(name))
    fail(`the guide installs ${name}, which no packed tarball provides`);
}
// Every packed package must get installed: directly by the guide, or as a dependency.
const installed = new Set([...adds.app, ...adds.backend]);
for (const name of installed) {
  for (const dep of Object.keys(packed.get(name).manifest.dependencies ?? {})) {
    if (packed.has(dep)) installed.add(dep);
  }
}
const missed = [...packed.keys()].filter(name => !installed.has(name));
if (missed.length) fail(`the guide never installs ${missed.join(', ')}`);

// Step 2: the app's route and sidebar item.
const [appBlock, rootBlock] = codeBlocks(section(guide, '### Step 2'));
const importsOf = block =>
  block.split('\n').filter(line => line.startsWith('import '));
const lineWith = (block, tag) => {
  const line = block.split('\n').find(l => l.trim().startsWith(tag));
  if (!line) fail(`step 2 of docs/deployment.md has no ${tag} line`);
  return line.trim().replace(/;$/, '');
};
const routeLine = lineWith(appBlock ?? '', '<Route ');
const sidebarLine = lineWith(rootBlock ?? '', '<SidebarItem ');

// Step 3: the backend's index.ts, as the guide writes it.
const [backendBlock] = codeBlocks(section(guide, '### Step 3'));
if (!backendBlock?.includes('backend.add(')) {
  fail('step 3 of docs/deployment.md has no backend.add lines');
}
const otherModules = adds.backend.filter(
  name =>
    packed.get(name).manifest.backstage?.role === 'backend-plugin-module' &&
    !backendBlock.includes(`'${name}'`),
);

// Versions of Backstage's own packages: the ones this repository's dev app and backend use.
const appManifest = readJson(join(root, 'packages/app/package.json'));
const backendManifest = readJson(join(root, 'packages/backend/package.json'));
const cliVersion = readJson(join(root, 'package.json')).devDependencies[
  '@backstage/cli'
];
const pick = (deps, names) =>
  Object.fromEntries(names.map(name => [name, deps[name]]));

// The root of a Backstage app as `npx @backstage/create-app` lays it out. The plugin's own
// packages depend on each other by version ranges of versions not on the registry:
// `resolutions` points every one at its tarball, as the registry would serve them.
write(
  'package.json',
  `${JSON.stringify(
    {
      name: 'scratch-backstage',
      private: true,
      engines: { node: '20 || 22' },
      workspaces: { packages: ['packages/*'] },
      scripts: {
        'build:backend': 'yarn workspace backend build',
      },
      devDependencies: { '@backstage/cli': cliVersion },
      resolutions: Object.fromEntries(
        [...packed].map(([name, { file }]) => [name, `file:${file}`]),
      ),
    },
    null,
    2,
  )}\n`,
);
// Hard links into Yarn's global store instead of copies: the same node_modules, but much less
// to write and, at the end, to delete (deleting ~2,000 copied packages took minutes on a
// loaded CI machine). Nothing in the scratch app writes into node_modules' files.
write(
  '.yarnrc.yml',
  'nodeLinker: node-modules\nnmMode: hardlinks-global\nenableTelemetry: false\n',
);
write('yarn.lock', '');

write(
  'packages/app/package.json',
  `${JSON.stringify(
    {
      name: 'app',
      version: '0.0.0',
      private: true,
      bundled: true,
      backstage: { role: 'frontend' },
      scripts: { build: 'backstage-cli package build' },
      dependencies: pick(appManifest.dependencies, [
        '@backstage/app-defaults',
        '@backstage/cli',
        '@backstage/core-app-api',
        '@backstage/core-components',
        '@backstage/core-plugin-api',
        '@material-ui/core',
        '@material-ui/icons',
        'react',
        'react-dom',
        'react-router',
        'react-router-dom',
      ]),
      browserslist: appManifest.browserslist,
      files: ['dist'],
    },
    null,
    2,
  )}\n`,
);
write(
  'packages/app/public/index.html',
  readFileSync(join(root, 'packages/app/public/index.html'), 'utf8'),
);
write(
  'packages/app/src/index.tsx',
  `import '@backstage/cli/asset-types';
import ReactDOM from 'react-dom/client';
import App from './App';

ReactDOM.createRoot(document.getElementById('root')!).render(<App />);
`,
);
write(
  'packages/app/src/App.tsx',
  `import { Route } from 'react-router-dom';
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { Root } from './components/Root/Root';
// From step 2 of docs/deployment.md:
${importsOf(appBlock).join('\n')}

const app = createApp({});

const routes = (
  <FlatRoutes>
    ${routeLine}
  </FlatRoutes>
);

export default app.createRoot(
  <AppRouter>
    <Root>{routes}</Root>
  </AppRouter>,
);
`,
);
write(
  'packages/app/src/components/Root/Root.tsx',
  `import { PropsWithChildren } from 'react';
import { Sidebar, SidebarItem, SidebarPage } from '@backstage/core-components';
// From step 2 of docs/deployment.md:
${importsOf(rootBlock).join('\n')}

export const Root = ({ children }: PropsWithChildren<{}>) => (
  <SidebarPage>
    <Sidebar>
      ${sidebarLine}
    </Sidebar>
    {children}
  </SidebarPage>
);
`,
);

// The backend: what an adopter's backend already has (the app it serves, the catalog the
// catalog ingestor reads), then step 3 of the guide.
write(
  'packages/backend/package.json',
  `${JSON.stringify(
    {
      name: 'backend',
      version: '0.0.0',
      main: 'dist/index.cjs.js',
      private: true,
      backstage: { role: 'backend' },
      scripts: { build: 'backstage-cli package build' },
      dependencies: {
        ...pick(backendManifest.dependencies, [
          '@backstage/backend-defaults',
          '@backstage/plugin-app-backend',
          '@backstage/plugin-catalog-backend',
        ]),
        app: 'link:../app',
      },
      devDependencies: { '@backstage/cli': cliVersion },
      files: ['dist'],
    },
    null,
    2,
  )}\n`,
);
const stepLines = backendBlock.split('\n');
write(
  'packages/backend/src/index.ts',
  `import { createBackend } from '@backstage/backend-defaults';
${stepLines.filter(line => line.startsWith('import ')).join('\n')}

const backend = createBackend();
backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-catalog-backend'));

// Step 3 of docs/deployment.md:
${stepLines.filter(line => !line.startsWith('import ')).join('\n')}
// The other modules of step 1, so every packed package starts:
${otherModules.map(name => `backend.add(import('${name}'));`).join('\n')}

backend.start();
`,
);

const spec = name => `${name}@file:${packed.get(name).file}`;
process.stdout.write(
  `${JSON.stringify({
    app: adds.app.map(spec),
    backend: adds.backend.map(spec),
    installed: [...installed].sort(),
  })}\n`,
);
