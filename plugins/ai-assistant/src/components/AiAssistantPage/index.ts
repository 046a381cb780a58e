export { AiAssistantPage } from './AiAssistantPage';
export { AiAssistantContent } from './AiAssistantContent';
