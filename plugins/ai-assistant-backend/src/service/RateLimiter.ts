// Moved to ../chat/RateLimiter. This re-export stays only until actions/KnowledgeActions.ts
// imports from there.
export { RateLimitedError, RateLimiter } from '../chat/RateLimiter';
