export { EmptyState, EXAMPLE_QUESTIONS } from './EmptyState';
