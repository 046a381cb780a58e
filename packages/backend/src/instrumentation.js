/*
 * OpenTelemetry for the backend, loaded with `node --require` before anything else so that
 * every meter (Backstage's and the AI assistant's metrics service) reports to this SDK:
 * `backstage-cli package start --require ./src/instrumentation.js` in development, and
 * `node --require ./instrumentation.js packages/backend` in the container image.
 *
 * Metrics are served for Prometheus at http://<host>:9464/metrics. Set
 * OTEL_EXPORTER_PROMETHEUS_HOST=0.0.0.0 where Prometheus scrapes from outside the
 * container, and OTEL_EXPORTER_PROMETHEUS_PORT to move the port. Traces and OpenTelemetry
 * logs stay off unless OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER name an exporter (the
 * SDK would otherwise send them to an OTLP collector on localhost:4318).
 *
 * The AI assistant's metrics are listed in docs/observability.md.
 */
const { isMainThread } = require('node:worker_threads');

// Worker threads share the process's exporter; starting a second one would fail on the port.
if (isMainThread) {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  process.env.OTEL_TRACES_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  process.env.OTEL_SERVICE_NAME ??= 'backstage-backend';

  const prometheus = new PrometheusExporter({
    host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST || 'localhost',
    port: Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT) || 9464,
  });
  const sdk = new NodeSDK({ metricReaders: [prometheus] });
  sdk.start();
  process.once('beforeExit', () => sdk.shutdown());
}
