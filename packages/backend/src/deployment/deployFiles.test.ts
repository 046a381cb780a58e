import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  parseCopy,
  parseDockerfile,
  parseExecForm,
} from './__testUtils__/dockerfile';
import {
  readRepoFile,
  repoPathExists,
  repoRoot,
} from './__testUtils__/repoFiles';

/*
 * Docker cannot run in CI here, so these tests hold the deployment files to what the project
 * builds: every file they copy or read exists, the image they run is the one the Dockerfile
 * builds, the probes call the backend's health route on its port, and every environment
 * variable the production config reads is given.
 */

const dockerfile = parseDockerfile(readRepoFile('Dockerfile'));
const compose = parse(readRepoFile('docker-compose.yaml'));
const deployment = parse(readRepoFile('deploy/kubernetes/deployment.yaml'));
const service = parse(readRepoFile('deploy/kubernetes/service.yaml'));
const devConfig = parse(readRepoFile('app-config.yaml'));

/** `${VAR}` and `${VAR:-default}` names an app-config file reads from the environment. */
const envVarsOf = (path: string) =>
  new Set(
    [...readRepoFile(path).matchAll(/\$\{(\w+)(:-[^}]*)?\}/g)].map(m => m[1]),
  );

// AZURE_REGION feeds `instanceName`, which only matters when `endpoint` is not set; the
// deployment files set the endpoint instead.
const productionEnvVars = [...envVarsOf('app-config.production.yaml')]
  .filter(name => name !== 'AZURE_REGION')
  .sort();

const backendPort: number = devConfig.backend.listen.port;
// packages/backend/src/instrumentation.js serves Prometheus metrics here by default.
const metricsPort = 9464;
const container = deployment.spec.template.spec.containers[0];

describe('Dockerfile', () => {
  const stages = new Set(dockerfile.map(i => i.stage));
  const copies = dockerfile
    .filter(i => i.keyword === 'COPY')
    .map(i => ({ ...parseCopy(i.args), stage: i.stage }));

  it('copies from earlier stages by name, and from the build context only files that exist', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map(line => line.trim())
      .filter(line => line && !line.startsWith('#'));
    const fromStages = copies.flatMap(c =>
      c.flags.from ? [c.flags.from] : [],
    );
    const fromContext = copies
      .filter(c => !c.flags.from)
      .flatMap(c => c.sources);
    expect(fromStages.filter(stage => !stages.has(stage))).toEqual([]);
    expect(fromContext.filter(source => !repoPathExists(source))).toEqual([]);
    // A source the context leaves out would fail `docker build`.
    expect(fromContext.filter(source => ignored.includes(source))).toEqual([]);
  });

  it('builds the backend bundle with the backend package’s own build script', () => {
    const runs = dockerfile.filter(i => i.keyword === 'RUN').map(i => i.args);
    expect(runs).toContain('yarn --cwd packages/backend build');
    const backend = JSON.parse(readRepoFile('packages/backend/package.json'));
    expect(backend.backstage.role).toBe('backend');
    expect(backend.scripts.build).toBe('backstage-cli package build');
    // The runtime stage unpacks what `backstage-cli package build` writes for a backend.
    const fromBuild = copies
      .filter(c => c.flags.from === 'build')
      .flatMap(c => c.sources);
    expect(fromBuild).toEqual(
      expect.arrayContaining([
        '/app/packages/backend/dist/skeleton/',
        '/app/packages/backend/dist/bundle/',
      ]),
    );
  });

  it('starts the backend with the base and production config, both copied into the image', () => {
    const cmd = parseExecForm(
      dockerfile.filter(i => i.keyword === 'CMD').pop()!.args,
    );
    expect(cmd).toEqual([
      'node',
      '--require',
      './instrumentation.js',
      'packages/backend',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ]);
    const finalStage = dockerfile[dockerfile.length - 1].stage;
    const copiedToRuntime = copies.filter(
      c => c.stage === finalStage && !c.flags.from,
    );
    const sources = copiedToRuntime.flatMap(c => c.sources);
    for (const config of ['app-config.yaml', 'app-config.production.yaml']) {
      expect(sources).toContain(config);
      expect(repoPathExists(config)).toBe(true);
    }
    // The OpenTelemetry setup the backend's own `start` script requires too.
    const instrumentation = copiedToRuntime.find(
      c => c.destination === './instrumentation.js',
    );
    expect(instrumentation?.sources).toEqual([
      'packages/backend/src/instrumentation.js',
    ]);
    const backend = JSON.parse(readRepoFile('packages/backend/package.json'));
    expect(backend.scripts.start).toContain(
      '--require ./src/instrumentation.js',
    );
  });

  it('exposes the backend port and probes /healthcheck on it', () => {
    const expose = dockerfile.find(i => i.keyword === 'EXPOSE')!;
    expect(expose.args.split(' ').map(Number)).toEqual([
      backendPort,
      metricsPort,
    ]);
    const healthcheck = dockerfile.find(i => i.keyword === 'HEALTHCHECK')!;
    expect(healthcheck.args).toContain(
      `http://127.0.0.1:${backendPort}/healthcheck`,
    );
  });
});

describe('docker-compose.yaml', () => {
  it('runs PostgreSQL with pgvector as the deployment guide does', () => {
    expect(compose.services.postgres.image).toBe('pgvector/pgvector:pg16');
    expect(compose.services.postgres.environment).toMatchObject({
      POSTGRES_USER: 'backstage',
      POSTGRES_DB: 'backstage',
    });
  });

  it('builds the backend from the Dockerfile and tags it as the Kubernetes deployment runs it', () => {
    const backend = compose.services.backend;
    expect(
      repoPathExists(join(backend.build.context, backend.build.dockerfile)),
    ).toBe(true);
    expect(backend.image).toBe(container.image);
    expect(backend.ports).toEqual([
      `${backendPort}:${backendPort}`,
      `${metricsPort}:${metricsPort}`,
    ]);
    expect(Object.keys(backend.depends_on)).toEqual(['postgres']);
    expect(backend.environment.POSTGRES_HOST).toBe('postgres');
  });

  it('gives the backend every variable app-config.production.yaml reads, and no other', () => {
    expect(Object.keys(compose.services.backend.environment).sort()).toEqual(
      productionEnvVars,
    );
  });

  it('keeps Ollama and the backend behind profiles, so `docker compose up` starts the database only', () => {
    const always = Object.entries<any>(compose.services)
      .filter(([, s]) => !s.profiles)
      .map(([name]) => name);
    expect(always).toEqual(['postgres']);
    expect(compose.services.ollama.profiles).toEqual(['ollama']);
  });

  it('declares every named volume it mounts', () => {
    const mounted = Object.values<any>(compose.services)
      .flatMap(s => s.volumes ?? [])
      .map((v: string) => v.split(':')[0]);
    expect(Object.keys(compose.volumes).sort()).toEqual(
      [...new Set(mounted)].sort(),
    );
  });
});

describe('deploy/kubernetes', () => {
  it('contains only the deployment and the service', () => {
    expect(readdirSync(join(repoRoot, 'deploy/kubernetes')).sort()).toEqual([
      'deployment.yaml',
      'service.yaml',
    ]);
  });

  it('probes /healthcheck on the container port for liveness and readiness', () => {
    const ports = container.ports.map((p: any) => p.containerPort);
    expect(ports).toEqual([backendPort, metricsPort]);
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/port': String(metricsPort),
      'prometheus.io/path': '/metrics',
    });
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect(probe.httpGet).toEqual({
        path: '/healthcheck',
        port: backendPort,
      });
    }
  });

  it('gives the container every variable app-config.production.yaml reads, and no other', () => {
    expect(container.env.map((e: any) => e.name).sort()).toEqual(
      productionEnvVars,
    );
  });

  it('routes the service to the deployment’s pods and port', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    expect(service.spec.selector).toEqual(labels);
    expect(service.spec.ports[0].targetPort).toBe(backendPort);
  });
});

describe('the backend behind the probes', () => {
  it('adds the published GET /healthcheck module to the backend the image runs', () => {
    // The module itself is tested in the backend plugin (src/healthcheck).
    expect(
      readRepoFile(
        'plugins/ai-assistant-backend/src/healthcheck/healthcheckModule.ts',
      ),
    ).toContain("rootHttpRouter.use('/healthcheck'");
    expect(readRepoFile('packages/backend/src/features.ts')).toMatch(
      /^\s*aiAssistantModuleHealthcheck,$/m,
    );
  });
});
