/**
 * Shared types and permissions of the AI Assistant for Backstage.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
