export { SourcesView } from './SourcesView';
