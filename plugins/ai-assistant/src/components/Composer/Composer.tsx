import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import SendIcon from '@material-ui/icons/Send';
import StopIcon from '@material-ui/icons/Stop';
import type { KeyboardEvent, Ref } from 'react';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'flex-end',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 2, 2),
  },
}));

// The counter shows from this share of the limit on: earlier it is only noise.
const COUNTER_FROM = 0.8;

const count = (n: number) => n.toLocaleString('en-US');

/** Props of {@link Composer}. */
export interface ComposerProps {
  /** The question being written; the page owns it, so a question that failed can return. */
  value: string;
  onChange: (text: string) => void;
  streaming: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  disabled?: boolean;
  /** The server's longest accepted question, in characters, when it said. */
  maxLength?: number;
  inputRef?: Ref<HTMLTextAreaElement>;
}

/**
 * The message box. Enter sends and Shift+Enter starts a new line; while an answer streams,
 * the send button becomes a stop button. Near the server's size limit a character counter
 * appears, and over it sending is blocked with a message saying by how much.
 */
export function Composer(props: ComposerProps) {
  const {
    value,
    onChange,
    streaming,
    onSend,
    onStop,
    disabled,
    maxLength,
    inputRef,
  } = props;
  const classes = useStyles();
  const length = value.length;
  const tooLong = maxLength !== undefined && length > maxLength;
  const canSend = value.trim() !== '' && !streaming && !disabled && !tooLong;

  const send = () => {
    if (canSend) {
      onSend(value);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // isComposing: Enter that confirms an IME composition (e.g. Japanese) is not a send.
    if (
      event.key === 'Enter' &&
      !event.shiftKey &&
      !event.nativeEvent.isComposing
    ) {
      event.preventDefault();
      send();
    }
  };

  let counter: string | undefined;
  if (maxLength !== undefined && length >= maxLength * COUNTER_FROM) {
    counter = `${count(length)} / ${count(maxLength)} characters`;
    if (tooLong) {
      const over = length - maxLength;
      counter += `: too long to send. Remove ${count(over)} ${over === 1 ? 'character' : 'characters'}, or split the question.`;
    }
  }

  return (
    <div className={classes.root}>
      <TextField
        value={value}
        onChange={event => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        multiline
        minRows={1}
        maxRows={8}
        fullWidth
        variant="outlined"
        size="small"
        disabled={disabled}
        error={tooLong}
        helperText={counter}
        FormHelperTextProps={{ role: 'status' }}
        placeholder="Ask a question (Enter to send, Shift+Enter for a new line)"
        inputRef={inputRef}
        inputProps={{ 'aria-label': 'Message to the AI assistant' }}
      />
      {streaming ? (
        <IconButton
          aria-label="Stop generating"
          onClick={onStop}
          color="secondary"
        >
          <StopIcon />
        </IconButton>
      ) : (
        <IconButton
          aria-label="Send message"
          onClick={send}
          disabled={!canSend}
          color="primary"
        >
          <SendIcon />
        </IconButton>
      )}
    </div>
  );
}
