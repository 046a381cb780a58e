import type { ChatToolCall } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Chip from '@material-ui/core/Chip';
import CircularProgress from '@material-ui/core/CircularProgress';
import { makeStyles } from '@material-ui/core/styles';
import BlockIcon from '@material-ui/icons/Block';
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

// A call that needed approval says what the user decided; a denied one never ran, so its
// outcome is the denial, not a failure.
function describe(call: ChatToolCall): { text: string; icon: JSX.Element } {
  if (call.approval === 'denied') {
    return { text: 'denied by you', icon: <BlockIcon /> };
  }
  const text = STATUS_TEXT[call.status];
  return {
    text: call.approval === 'approved' ? `${text}, approved by you` : text,
    icon: STATUS_ICONS[call.status],
  };
}

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
        const { text, icon } = describe(call);
        const failed = call.status === 'failed' && call.approval !== 'denied';
        return (
          <li key={`${call.name}-${index}`}>
            <Chip
              size="small"
              variant="outlined"
              icon={icon}
              // The theme's secondary pink is under WCAG AA as text on white.
              className={failed ? status.error : undefined}
              label={`${call.name} ${input}${call.approval ? ` (${call.approval})` : ''}`}
              title={`${call.name} (${text}): ${JSON.stringify(call.input)}`}
              aria-label={`Tool ${call.name} ${text}`}
            />
          </li>
        );
      })}
    </ul>
  );
}
