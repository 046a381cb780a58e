import { Content, Header, Page } from '@backstage/core-components';
import { AiAssistantContent } from './AiAssistantContent';

/**
 * The AI assistant page with its Backstage header, for the legacy frontend system.
 *
 * @public
 */
export function AiAssistantPage() {
  return (
    <Page themeId="tool">
      <Header
        title="AI Assistant"
        subtitle="Answers from your catalog, docs and repositories, with sources"
      />
      <Content>
        <AiAssistantContent />
      </Content>
    </Page>
  );
}
