/**
 * Extension points and types for modules of the AI Assistant for Backstage.
 *
 * @packageDocumentation
 */
export * from './embeddings';
export * from './extensions';
export * from './http';
export * from './ingestion';
export * from './ingestors';
export * from './models';
export * from './providerConfig';
export * from './tools';
