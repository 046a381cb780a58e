export { ToolCalls } from './ToolCalls';
