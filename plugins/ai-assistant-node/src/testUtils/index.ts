/**
 * Conformance test suites for AI assistant backend modules. Run them from a module's own
 * tests so every provider and ingestor behaves the way the core relies on.
 *
 * @packageDocumentation
 */
export * from './captureConsole';
export * from './embeddingsProviderConformance';
export * from './ingestorConformance';
export * from './loadTestConfig';
export * from './modelProviderConformance';
export * from './servers/azureOpenAi';
export * from './servers/ollama';
export {
  startLoopbackServer,
  sendJson,
  words,
  type LoopbackServer,
  type LoopbackServerHandlers,
  type RecordedRequestBase,
} from './servers/loopbackServer';
