#!/usr/bin/env node
/*
 * `npm start`: installs the dependencies, then starts the dev app and backend
 * (`backstage-cli repo start`), with nothing to export first.
 *
 * The dev backend's database is better-sqlite3, a native addon. Where its prebuilt binary
 * cannot be downloaded (a machine that reaches only the package registries), it is compiled
 * by node-gyp, which would then try to download Node's headers too. Official Node builds and
 * Debian's packages ship the headers beside the `node` binary, so they are pointed at here,
 * unless the caller's npm configuration already says where they are.
 */
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const yarn = path.join(root, '.yarn/releases/yarn-4.18.1.cjs');
const env = { ...process.env };
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (
  !env.npm_config_nodedir &&
  existsSync(path.join(prefix, 'include/node/node.h'))
) {
  env.npm_config_nodedir = prefix;
}

const install = spawnSync(process.execPath, [yarn, 'install'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (install.status !== 0) {
  process.exit(install.status ?? 1);
}

const dev = spawn(process.execPath, [yarn, 'dev'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => dev.kill(signal));
}
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
