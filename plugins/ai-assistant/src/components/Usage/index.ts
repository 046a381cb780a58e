export { UsageView } from './UsageView';
