export { AiAssistantIcon } from './AiAssistantIcon';
