import type { ChatToolCall } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Chip from '@material-ui/core/Chip';
import CircularProgress from '@material-ui/core/CircularProgress';
import { makeStyles } from '@material-ui/core/styles';
import CheckIcon from '@material-ui/icons/Check';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import { useStatusTextStyles } from '../../lib/readableColor';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    margin: theme.spacing(0, 0, 1),
    padding: 0,
    listStyle: 'none',
  },
}));

const STATUS_TEXT: Record<ChatToolCall['status'], string> = {
  started: 'running',
  succeeded: 'done',
  failed: 'failed',
};

const STATUS_ICONS: Record<ChatToolCall['status'], JSX.Element> = {
  started: <CircularProgress size={14} aria-hidden />,
  succeeded: <CheckIcon />,
  failed: <ErrorOutlineIcon />,
};

/** Props of {@link ToolCalls}. */
export interface ToolCallsProps {
  toolCalls: ChatToolCall[];
}

// Inputs are small JSON objects chosen by the model; a one-line summary is enough to tell
// what was looked up, and the full input is in the tooltip.
function summarize(input: unknown): string {
  const text = typeof input === 'string' ? input : JSON.stringify(input ?? {});
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The tools the model called for an answer, one compact chip each. */
export function ToolCalls(props: ToolCallsProps) {
  const classes = useStyles();
  const status = useStatusTextStyles();
  if (props.toolCalls.length === 0) {
    return null;
  }
  return (
    <ul className={classes.root} aria-label="Tool calls">
      {props.toolCalls.map((call, index) => {
        const input = summarize(call.input);
        const icon = STATUS_ICONS[call.status];
        return (
          <li key={`${call.name}-${index}`}>
            <Chip
              size="small"
              variant="outlined"
              icon={icon}
              // The theme's secondary pink is under WCAG AA as text on white.
              className={call.status === 'failed' ? status.error : undefined}
              label={`${call.name} ${input}`}
              title={`${call.name} (${STATUS_TEXT[call.status]}): ${JSON.stringify(call.input)}`}
              aria-label={`Tool ${call.name} ${STATUS_TEXT[call.status]}`}
            />
          </li>
        );
      })}
    </ul>
  );
}
