import { ChatPage } from '../ChatPage';
import { CockpitFrame } from '../Cockpit';

/**
 * The page's content without a header: the chat, plus the cockpit's admin views (Sources,
 * Retrieval test, Usage, Feedback) as tabs for users who hold the ingestion admin
 * permission. The new frontend system renders its own page header around it.
 *
 * @public
 */
export function AiAssistantContent() {
  return <CockpitFrame chat={<ChatPage />} />;
}
