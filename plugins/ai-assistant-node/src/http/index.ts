export * from './createProviderFetch';
export * from './createRetryingFetch';
export * from './ProviderError';
