import { PropsWithChildren } from 'react';
import HomeIcon from '@material-ui/icons/Home';
import {
  Sidebar,
  SidebarDivider,
  SidebarItem,
  SidebarPage,
  SidebarSpace,
} from '@backstage/core-components';
import { Settings as SidebarSettings } from '@backstage/plugin-user-settings';
import { AiAssistantIcon } from '@ai-assistant/backstage-plugin-ai-assistant';

/** The app's frame: the sidebar, with the AI assistant item as the deployment guide adds it. */
export const Root = ({ children }: PropsWithChildren<{}>) => (
  <SidebarPage>
    <Sidebar>
      <SidebarItem icon={HomeIcon} to="catalog" text="Catalog" />
      {/*
        The guide imports `@material-ui/icons/SmartToy`, an icon that only exists in MUI v5
        (`@mui/icons-material`); Backstage apps use MUI v4, so the plugin ships its own icon.
      */}
      <SidebarItem
        icon={AiAssistantIcon}
        to="ai-assistant"
        text="AI Assistant"
      />
      <SidebarSpace />
      <SidebarDivider />
      <SidebarSettings />
    </Sidebar>
    {children}
  </SidebarPage>
);
