import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import ThumbDownIcon from '@material-ui/icons/ThumbDown';
import ThumbDownOutlinedIcon from '@material-ui/icons/ThumbDownOutlined';
import ThumbUpIcon from '@material-ui/icons/ThumbUp';
import ThumbUpOutlinedIcon from '@material-ui/icons/ThumbUpOutlined';
import { useState } from 'react';
import { describeError } from '../../lib/describeError';

/** Props of {@link Feedback}. */
export interface FeedbackProps {
  rating?: 'up' | 'down';
  onRate: (rating: 'up' | 'down') => Promise<void>;
}

/** Thumbs up and down for an answer; rating again replaces the earlier rating. */
export function Feedback(props: FeedbackProps) {
  const { rating, onRate } = props;
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const rate = async (value: 'up' | 'down') => {
    setBusy(true);
    setError(undefined);
    try {
      await onRate(value);
    } catch (e) {
      setError(`Could not save your rating: ${describeError(e).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <IconButton
        size="small"
        aria-label="Good answer"
        aria-pressed={rating === 'up'}
        disabled={busy}
        onClick={() => rate('up')}
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
        onClick={() => rate('down')}
        color={rating === 'down' ? 'primary' : 'default'}
      >
        {rating === 'down' ? (
          <ThumbDownIcon fontSize="small" />
        ) : (
          <ThumbDownOutlinedIcon fontSize="small" />
        )}
      </IconButton>
      {error && (
        <Typography variant="caption" color="error" role="alert">
          {error}
        </Typography>
      )}
    </div>
  );
}
