export * from './ollama';
