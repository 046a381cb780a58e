import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ThumbDownIcon from '@material-ui/icons/ThumbDown';
import ThumbDownOutlinedIcon from '@material-ui/icons/ThumbDownOutlined';
import ThumbUpIcon from '@material-ui/icons/ThumbUp';
import ThumbUpOutlinedIcon from '@material-ui/icons/ThumbUpOutlined';
import { MAX_FEEDBACK_COMMENT_LENGTH } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { FormEvent, useId, useState } from 'react';
import { describeError } from '../../lib/describeError';
import { useStatusTextStyles } from '../../lib/readableColor';

// Near the limit the field counts the characters, so the cut-off does not come as a surprise.
const COUNT_FROM = MAX_FEEDBACK_COMMENT_LENGTH - 200;

const useStyles = makeStyles(theme => ({
  reason: {
    display: 'flex',
    alignItems: 'flex-start',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(0.5),
    maxWidth: 560,
  },
  reasonField: { flex: '1 1 280px' },
}));

/** Props of {@link Feedback}. */
export interface FeedbackProps {
  rating?: 'up' | 'down';
  onRate: (rating: 'up' | 'down', comment?: string) => Promise<void>;
}

/**
 * Thumbs up and down for an answer; rating again replaces the earlier rating. A thumbs down
 * is saved at once, then asks what was wrong: the reason is optional and sent with a second
 * rating of the same answer. Pressing a thumbs down that is already pressed (also after a
 * reload) only asks for the reason again.
 */
export function Feedback(props: FeedbackProps) {
  const { rating, onRate } = props;
  const classes = useStyles();
  const status = useStatusTextStyles();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [thanked, setThanked] = useState(false);
  const reasonId = useId();

  const rate = async (value: 'up' | 'down', comment?: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await onRate(value, comment);
      return true;
    } catch (e) {
      setError(`Could not save your rating: ${describeError(e).message}`);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const rateUp = async () => {
    setAsking(false);
    setThanked(false);
    await rate('up');
  };

  const rateDown = async () => {
    setThanked(false);
    // Rating down again would replace the stored reason with none (e.g. after a reload).
    if (rating === 'down') {
      setAsking(true);
      return;
    }
    if (await rate('down')) {
      setAsking(true);
    }
  };

  const sendReason = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() && (await rate('down', reason.trim()))) {
      setAsking(false);
      setReason('');
      setThanked(true);
    }
  };

  return (
    <div>
      <IconButton
        size="small"
        aria-label="Good answer"
        aria-pressed={rating === 'up'}
        disabled={busy}
        onClick={rateUp}
        color={rating === 'up' ? 'primary' : 'default'}
      >
        {rating === 'up' ? (
          <ThumbUpIcon fontSize="small" />
        ) : (
          <ThumbUpOutlinedIcon fontSize="small" />
        )}
      </IconButton>
      <IconButton
        size="small"
        aria-label="Bad answer"
        aria-pressed={rating === 'down'}
        disabled={busy}
        onClick={rateDown}
        color={rating === 'down' ? 'primary' : 'default'}
      >
        {rating === 'down' ? (
          <ThumbDownIcon fontSize="small" />
        ) : (
          <ThumbDownOutlinedIcon fontSize="small" />
        )}
      </IconButton>
      {asking && (
        <form
          className={classes.reason}
          aria-label="Why was the answer bad?"
          onSubmit={sendReason}
        >
          <TextField
            className={classes.reasonField}
            size="small"
            variant="outlined"
            id={reasonId}
            label="What was wrong? (optional)"
            value={reason}
            onChange={event => setReason(event.target.value)}
            inputProps={{ maxLength: MAX_FEEDBACK_COMMENT_LENGTH }}
            helperText={
              reason.length > COUNT_FROM
                ? `${reason.length} / ${MAX_FEEDBACK_COMMENT_LENGTH} characters`
                : undefined
            }
          />
          <Button
            type="submit"
            variant="outlined"
            size="small"
            disabled={busy || !reason.trim()}
          >
            Send reason
          </Button>
          <Button size="small" onClick={() => setAsking(false)}>
            Skip
          </Button>
        </form>
      )}
      {thanked && (
        <Typography variant="caption" color="textSecondary" role="status">
          Thanks: your reason was sent.
        </Typography>
      )}
      {error && (
        <Typography variant="caption" className={status.error} role="alert">
          {error}
        </Typography>
      )}
    </div>
  );
}
