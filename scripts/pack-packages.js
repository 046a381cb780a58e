#!/usr/bin/env node
/*
 * Packs every publishable workspace package (`yarn pack`, which runs Backstage's prepack so the
 * published package.json points at dist/) and checks that each tarball holds what the
 * deployment guide's install lines need: the entry points its package.json names, the type
 * definitions, the config schema (`config.d.ts`, compiled to config.schema.json by prepack) for
 * packages with config, and `migrations/` for the backend plugin.
 * Needs built packages: `yarn tsc && yarn backstage-cli repo build` first.
 *
 *   node scripts/pack-packages.js <out-dir>
 *
 * Writes <out-dir>/<package-dir>.tgz and exits non-zero, naming package and file, on a problem.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const yarn = [join(root, '.yarn/releases/yarn-4.18.1.cjs')];
if (!process.argv[2]) {
  console.error('usage: node scripts/pack-packages.js <out-dir>');
  process.exit(2);
}
const outDir = resolve(process.argv[2]);
mkdirSync(outDir, { recursive: true });

/** Workspace folders whose package.json is not private: the ones release.yml publishes. */
function publishableDirs() {
  return ['plugins', 'packages']
    .flatMap(parent =>
      readdirSync(join(root, parent)).map(name => join(parent, name)),
    )
    .filter(dir => existsSync(join(root, dir, 'package.json')))
    .filter(dir => !readJson(join(root, dir, 'package.json')).private);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function tarEntries(tarball) {
  return execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(entry => entry.replace(/^package\//, ''));
}

function packedPackageJson(tarball) {
  return JSON.parse(
    execFileSync('tar', ['xzOf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
}

/** Every file path a package.json points consumers at: main, module, types, exports. */
function entryPoints(pkg) {
  const paths = [pkg.main, pkg.module, pkg.types];
  // Conditions such as `backstage: '@backstage/FrontendPlugin'` name a kind, not a file.
  const walk = value => {
    if (typeof value === 'string') paths.push(value);
    else if (value && typeof value === 'object') {
      Object.entries(value)
        .filter(([condition]) => condition !== 'backstage')
        .forEach(([, v]) => walk(v));
    }
  };
  walk(pkg.exports);
  return paths
    .filter(p => typeof p === 'string' && !p.endsWith('package.json'))
    .map(p => p.replace(/^\.\//, ''));
}

/** Problems with one tarball, as sentences. */
function check(dir, tarball) {
  const source = readJson(join(root, dir, 'package.json'));
  const pkg = packedPackageJson(tarball);
  const files = new Set(tarEntries(tarball));
  const problems = [];
  const need = (file, why) => {
    if (!files.has(file)) problems.push(`${file} is missing (${why})`);
  };

  if (!pkg.name.startsWith('@ai-assistant/')) {
    problems.push(`name ${pkg.name} is not in the @ai-assistant scope`);
  }
  for (const entry of entryPoints(pkg)) {
    need(entry, 'package.json points at it');
    if (entry.startsWith('src/')) {
      problems.push(
        `${entry}: the published package.json still points at sources`,
      );
    }
  }
  if (!pkg.types) problems.push('package.json names no types');
  // Backstage's prepack compiles config.d.ts into config.schema.json and points
  // configSchema at it; that is the file a backend's config loader reads.
  if (source.configSchema) {
    if (!pkg.configSchema) problems.push('package.json lost its configSchema');
    else need(pkg.configSchema, 'the config schema');
  }
  const migrations = join(root, dir, 'migrations');
  if (existsSync(migrations)) {
    for (const file of readdirSync(migrations)) {
      need(`migrations/${file}`, 'the plugin runs it at startup');
    }
  }
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${field}.${name} is still ${range}`);
      }
    }
  }
  return problems;
}

let failed = 0;
for (const dir of publishableDirs()) {
  const tarball = join(outDir, `${dir.split('/').pop()}.tgz`);
  execFileSync(process.execPath, [...yarn, 'pack', '--out', tarball], {
    cwd: join(root, dir),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const problems = check(dir, tarball);
  const count = tarEntries(tarball).length;
  if (problems.length) {
    failed += 1;
    console.error(`✗ ${dir}: ${problems.join('; ')}`);
  } else {
    console.log(`✓ ${dir}: ${count} files`);
  }
}
if (failed) {
  console.error(`${failed} package(s) would publish incomplete tarballs`);
  process.exit(1);
}
