import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import SendIcon from '@material-ui/icons/Send';
import StopIcon from '@material-ui/icons/Stop';
import { KeyboardEvent, useState } from 'react';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'flex-end',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 2, 2),
  },
}));

/** Props of {@link Composer}. */
export interface ComposerProps {
  streaming: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  disabled?: boolean;
}

/**
 * The message box. Enter sends and Shift+Enter starts a new line; while an answer streams,
 * the send button becomes a stop button.
 */
export function Composer(props: ComposerProps) {
  const { streaming, onSend, onStop, disabled } = props;
  const classes = useStyles();
  const [text, setText] = useState('');
  const canSend = text.trim() !== '' && !streaming && !disabled;

  const send = () => {
    if (canSend) {
      onSend(text);
      setText('');
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

  return (
    <div className={classes.root}>
      <TextField
        value={text}
        onChange={event => setText(event.target.value)}
        onKeyDown={onKeyDown}
        multiline
        minRows={1}
        maxRows={8}
        fullWidth
        variant="outlined"
        size="small"
        disabled={disabled}
        placeholder="Ask a question (Enter to send, Shift+Enter for a new line)"
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
