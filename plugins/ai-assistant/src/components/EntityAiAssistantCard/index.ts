export { EntityAiAssistantCard } from './EntityAiAssistantCard';
