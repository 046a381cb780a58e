import { aiAssistantIngestionAdminPermission } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import { ChatPage } from '../ChatPage';
import { IngestionAdmin } from '../IngestionAdmin';

// Backstage's theme gives tabs a hover background of its link colour lightened 95%, which
// is near white in the dark theme: a tab just clicked, still under the pointer, turned
// white with pale text. The theme's hover tint suits both palettes. The doubled class
// outweighs the theme's `.MuiTab-root:hover` whichever style sheet the page loads last.
const useStyles = makeStyles(theme => ({
  tab: {
    '&&:hover': {
      backgroundColor: theme.palette.action.hover,
      color: theme.palette.text.primary,
    },
  },
}));

/**
 * The page's content without a header: the chat, plus an ingestion tab for users who hold
 * the ingestion admin permission. The new frontend system renders its own page header
 * around it.
 *
 * @public
 */
export function AiAssistantContent() {
  const { allowed: isAdmin } = usePermission({
    permission: aiAssistantIngestionAdminPermission,
  });
  const [tab, setTab] = useState<'chat' | 'ingestion'>('chat');
  const classes = useStyles();

  // The chat keeps its place in the tree when the permission answer arrives (a moment after
  // the first render) and the tabs appear, so nothing typed or loaded meanwhile is lost.
  return (
    <>
      {isAdmin && (
        <Tabs
          value={tab}
          onChange={(_event, value) => setTab(value)}
          indicatorColor="primary"
          aria-label="AI assistant views"
        >
          <Tab
            value="chat"
            label="Chat"
            className={classes.tab}
            id="ai-assistant-tab-chat"
            aria-controls="ai-assistant-panel-chat"
          />
          <Tab
            value="ingestion"
            label="Ingestion"
            className={classes.tab}
            id="ai-assistant-tab-ingestion"
            aria-controls="ai-assistant-panel-ingestion"
          />
        </Tabs>
      )}
      {/* The chat stays mounted while hidden, so an answer keeps streaming meanwhile. */}
      <Box
        pt={isAdmin ? 2 : 0}
        {...(isAdmin && {
          role: 'tabpanel',
          id: 'ai-assistant-panel-chat',
          'aria-labelledby': 'ai-assistant-tab-chat',
        })}
        hidden={isAdmin && tab !== 'chat'}
      >
        <ChatPage />
      </Box>
      {isAdmin && tab === 'ingestion' && (
        <Box
          pt={2}
          role="tabpanel"
          id="ai-assistant-panel-ingestion"
          aria-labelledby="ai-assistant-tab-ingestion"
        >
          <IngestionAdmin />
        </Box>
      )}
    </>
  );
}
