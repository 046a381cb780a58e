export * from './createProbeFetch';
export * from './createProviderFetch';
export * from './createRetryingFetch';
export * from './ProviderError';
