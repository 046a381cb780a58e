# The backend image: Backstage's multi-stage build (https://backstage.io/docs/deployment/docker).
#
#   docker build -t ai-assistant-backend .
#   docker run -p 7007:7007 --env-file .env ai-assistant-backend
#
# Stage 1 keeps only the package.json files, so the dependency install layer is cached until a
# dependency changes. Stage 2 installs, type-checks and builds the backend bundle
# (packages/backend/dist/{skeleton,bundle}.tar.gz, the backend and every workspace package it
# uses). Stage 3 installs production dependencies only and runs the bundle.
# See docs/deployment.md ("Docker") for the environment variables.

# Stage 1: the install skeleton
FROM node:20-bookworm-slim AS packages

WORKDIR /app
COPY backstage.json package.json yarn.lock .yarnrc.yml ./
COPY .yarn ./.yarn
COPY packages packages
COPY plugins plugins

RUN find packages plugins \! -name "package.json" -mindepth 2 -maxdepth 2 -exec rm -rf {} \+

# Stage 2: install, type-check, build the bundle
FROM node:20-bookworm-slim AS build

# better-sqlite3 (the development database) builds a native addon.
RUN apt-get update && \
    apt-get install -y --no-install-recommends python3 g++ build-essential && \
    rm -rf /var/lib/apt/lists/*
ENV PYTHON=/usr/bin/python3

USER node
WORKDIR /app

COPY --from=packages --chown=node:node /app .
RUN --mount=type=cache,target=/home/node/.yarn/berry/cache,sharing=locked,uid=1000,gid=1000 \
    yarn install --immutable

COPY --chown=node:node . .

RUN yarn tsc
RUN yarn --cwd packages/backend build

RUN mkdir packages/backend/dist/skeleton packages/backend/dist/bundle && \
    tar xzf packages/backend/dist/skeleton.tar.gz -C packages/backend/dist/skeleton && \
    tar xzf packages/backend/dist/bundle.tar.gz -C packages/backend/dist/bundle

# Stage 3: the runtime image
FROM node:20-bookworm-slim

RUN apt-get update && \
    apt-get install -y --no-install-recommends python3 g++ build-essential && \
    rm -rf /var/lib/apt/lists/*
ENV PYTHON=/usr/bin/python3

USER node
WORKDIR /app

# Production dependencies of the packages in the bundle only.
COPY --from=build --chown=node:node /app/.yarn ./.yarn
COPY --from=build --chown=node:node /app/.yarnrc.yml /app/backstage.json ./
COPY --from=build --chown=node:node /app/yarn.lock /app/package.json /app/packages/backend/dist/skeleton/ ./
RUN --mount=type=cache,target=/home/node/.yarn/berry/cache,sharing=locked,uid=1000,gid=1000 \
    yarn workspaces focus --all --production

COPY --from=build --chown=node:node /app/packages/backend/dist/bundle/ ./
# Base configuration plus the production layer (see docs/deployment.md, "Configuration").
COPY --chown=node:node app-config.yaml app-config.production.yaml ./
# OpenTelemetry, loaded before the backend (docs/observability.md).
COPY --chown=node:node packages/backend/src/instrumentation.js ./instrumentation.js

ENV NODE_ENV=production
# Backstage's documented images set this: packages that use isolated-vm (e.g. the scaffolder an
# adopter may add) fail on Node 20+ with the V8 startup snapshot on.
ENV NODE_OPTIONS="--no-node-snapshot"

# Metrics for Prometheus on :9464/metrics, reachable from outside the container.
ENV OTEL_EXPORTER_PROMETHEUS_HOST=0.0.0.0

EXPOSE 7007 9464
# Probes: GET /healthcheck (200 once every plugin has started, 503 while starting or stopping).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD node -e "fetch('http://127.0.0.1:7007/healthcheck').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

CMD ["node", "--require", "./instrumentation.js", "packages/backend", "--config", "app-config.yaml", "--config", "app-config.production.yaml"]
