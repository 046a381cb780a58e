import type { FeedbackReviewItem } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useId } from 'react';
import { useStatusTextStyles } from '../../lib/readableColor';
import { Sources } from '../Sources';

const useStyles = makeStyles(theme => ({
  root: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
  },
  label: { marginTop: theme.spacing(1.5) },
  // Users' words and the model's answer as written: line breaks kept, long words wrapped.
  text: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  comment: {
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    margin: 0,
    paddingLeft: theme.spacing(1.5),
    borderLeft: `3px solid ${theme.palette.divider}`,
  },
}));

/** Props of {@link FeedbackReviewCard}. */
export interface FeedbackReviewCardProps {
  item: FeedbackReviewItem;
  /** Marks the item reviewed; the card shows the error itself when it fails. */
  onMarkReviewed: () => void;
  marking: boolean;
  error?: string;
}

/**
 * One thumbs-down answer for review: the question, what the user said was wrong, the answer,
 * the model and the sources it was given, and who reviewed it or a button to mark it reviewed.
 */
export function FeedbackReviewCard(props: FeedbackReviewCardProps) {
  const { item, onMarkReviewed, marking, error } = props;
  const classes = useStyles();
  const status = useStatusTextStyles();
  const headingId = useId();
  const question = item.question ?? '(the question is no longer stored)';
  return (
    <Paper
      component="article"
      variant="outlined"
      className={classes.root}
      aria-labelledby={headingId}
    >
      <div className={classes.header}>
        <div>
          <Typography
            variant="subtitle1"
            component="h3"
            id={headingId}
            className={classes.text}
          >
            {question}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            Rated {new Date(item.ratedAt).toLocaleString()} · Model:{' '}
            {item.modelId ?? 'unknown'}
          </Typography>
        </div>
        {item.reviewedAt ? (
          <Typography variant="body2" color="textSecondary">
            Reviewed by {item.reviewedBy} on{' '}
            {new Date(item.reviewedAt).toLocaleString()}
          </Typography>
        ) : (
          <Button
            variant="outlined"
            size="small"
            disabled={marking}
            onClick={onMarkReviewed}
            aria-label={`Mark reviewed: ${question}`}
          >
            Mark reviewed
          </Button>
        )}
      </div>
      <Typography variant="overline" component="h4" className={classes.label}>
        User's comment
      </Typography>
      {item.comment ? (
        <blockquote className={classes.comment}>
          <Typography variant="body2">{item.comment}</Typography>
        </blockquote>
      ) : (
        <Typography variant="body2" color="textSecondary">
          No reason given.
        </Typography>
      )}
      <Typography variant="overline" component="h4" className={classes.label}>
        Answer
      </Typography>
      <Typography variant="body2" className={classes.text}>
        {item.answer || '(empty answer)'}
      </Typography>
      {item.sources.length > 0 ? (
        <Sources sources={item.sources} answer={item.answer} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          The answer was given no sources.
        </Typography>
      )}
      {error && (
        <Typography variant="caption" className={status.error} role="alert">
          {error}
        </Typography>
      )}
    </Paper>
  );
}
