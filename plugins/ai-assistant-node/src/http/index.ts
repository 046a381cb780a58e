export * from './createRetryingFetch';
export * from './ProviderError';
