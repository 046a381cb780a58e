export { EntityContextChip } from './EntityContextChip';
