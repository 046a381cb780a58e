import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

/**
 * A robot head, for the sidebar item and page header of the AI assistant. Material UI 4 has
 * no robot icon, so the shape is drawn here; it takes the theme's colors like any icon.
 *
 * @public
 */
export function AiAssistantIcon(props: SvgIconProps) {
  return (
    <SvgIcon {...props}>
      <path d="M12 2a1.5 1.5 0 0 1 .75 2.8V6H17a3 3 0 0 1 3 3v1h1a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1h-1v2a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3v-2H3a1 1 0 0 1-1-1v-3a1 1 0 0 1 1-1h1V9a3 3 0 0 1 3-3h4.25V4.8A1.5 1.5 0 0 1 12 2zm5 6H7a1 1 0 0 0-1 1v8a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V9a1 1 0 0 0-1-1zm-7.5 2.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm5 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zM9 15h6v1.5H9V15z" />
    </SvgIcon>
  );
}
