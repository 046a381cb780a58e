/**
 * The AI Assistant for Backstage backend plugin.
 *
 * @packageDocumentation
 */
export { aiAssistantPlugin as default } from './plugin';
export { aiAssistantModuleHealthcheck } from './healthcheck/healthcheckModule';
