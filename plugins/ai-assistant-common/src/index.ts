/**
 * Shared types, API schemas and permissions of the AI Assistant for Backstage.
 *
 * @packageDocumentation
 */
export * from './api';
export * from './feedback';
export * from './ingestion';
export * from './permissions';
export * from './retrievalTest';
export * from './sources';
export * from './types';
export * from './usage';
