import { aiAssistantIngestionAdminPermission } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { makeStyles } from '@material-ui/core/styles';
import { type ReactNode, useMemo, useState } from 'react';
import { CockpitNavigationProvider } from './CockpitNavigation';
import { type CockpitView, cockpitViews } from './cockpitViews';

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

const CHAT = 'chat';

const tabId = (id: string) => `ai-assistant-tab-${id}`;
const panelId = (id: string) => `ai-assistant-panel-${id}`;

/**
 * The chat, and for users who hold the ingestion admin permission the cockpit's admin views
 * as tabs beside it (Sources, Retrieval test, Usage, Feedback).
 *
 * @param props.chat - the chat; it stays mounted (hidden) while an admin view is open, and
 *   keeps its place in the tree when the tabs appear, so nothing typed, loaded or streaming
 *   is lost.
 * @param props.views - the admin views; the cockpit's own by default.
 */
export function CockpitFrame(props: {
  chat: ReactNode;
  views?: readonly CockpitView[];
}) {
  const views = props.views ?? cockpitViews;
  const { allowed: isAdmin } = usePermission({
    permission: aiAssistantIngestionAdminPermission,
  });
  const [tab, setTab] = useState<string>(CHAT);
  // What the chat passed when it opened a view (e.g. an answer's "Why this answer?").
  const [params, setParams] = useState<Record<string, string>>({});
  const navigation = useMemo(
    () => ({
      open: (viewId: string, next: Record<string, string> = {}) => {
        setParams(next);
        setTab(viewId);
      },
      params,
    }),
    [params],
  );
  const classes = useStyles();
  const open = isAdmin ? views.find(view => view.id === tab) : undefined;

  // The chat keeps its place in the tree when the permission answer arrives (a moment after
  // the first render) and the tabs appear: the tabs and the open view come before and after
  // it, never around it.
  return (
    <CockpitNavigationProvider value={isAdmin ? navigation : undefined}>
      {isAdmin && (
        <Tabs
          value={tab}
          onChange={(_event, value) => navigation.open(value)}
          indicatorColor="primary"
          variant="scrollable"
          scrollButtons="auto"
          aria-label="AI assistant views"
        >
          {[{ id: CHAT, label: 'Chat' }, ...views].map(view => (
            <Tab
              key={view.id}
              value={view.id}
              label={view.label}
              className={classes.tab}
              id={tabId(view.id)}
              aria-controls={panelId(view.id)}
            />
          ))}
        </Tabs>
      )}
      {/* The chat stays mounted while hidden, so an answer keeps streaming meanwhile. */}
      <Box
        pt={isAdmin ? 2 : 0}
        {...(isAdmin && {
          role: 'tabpanel',
          id: panelId(CHAT),
          'aria-labelledby': tabId(CHAT),
        })}
        hidden={isAdmin && tab !== CHAT}
      >
        {props.chat}
      </Box>
      {open && (
        <Box
          pt={2}
          role="tabpanel"
          id={panelId(open.id)}
          aria-labelledby={tabId(open.id)}
        >
          <open.Component />
        </Box>
      )}
    </CockpitNavigationProvider>
  );
}
