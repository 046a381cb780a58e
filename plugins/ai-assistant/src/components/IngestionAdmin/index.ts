export { IngestionAdmin } from './IngestionAdmin';
