import type {
  FeedbackReviewItem,
  FeedbackReviewListResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useId, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { aiAssistantApiRef } from '../../api';
import { describeError } from '../../lib/describeError';
import { FeedbackReviewCard } from './FeedbackReviewCard';

/** Thumbs-down answers per page. */
export const FEEDBACK_PAGE_SIZE = 20;

type Status = 'unreviewed' | 'reviewed' | 'all';

const FILTERS: Array<{ value: Status; label: string }> = [
  { value: 'unreviewed', label: 'Not reviewed' },
  { value: 'reviewed', label: 'Reviewed' },
  { value: 'all', label: 'All' },
];

const EMPTY: Record<Status, string> = {
  unreviewed: 'No thumbs-down answer is waiting for review.',
  reviewed: 'No thumbs-down answer has been reviewed yet.',
  all: 'No answer has been rated thumbs down yet.',
};

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  title: { flexGrow: 1 },
  filter: { minWidth: 160 },
  pager: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(1),
  },
}));

/**
 * Feedback review for admins: the answers users rated thumbs down, newest rating first, with
 * the question, the user's comment, the answer with its sources and model, and a button to
 * mark each reviewed. Filters by reviewed or not, a page at a time.
 */
export function FeedbackReview() {
  const api = useApi(aiAssistantApiRef);
  const classes = useStyles();
  const filterId = useId();
  const [status, setStatus] = useState<Status>('unreviewed');
  const [offset, setOffset] = useState(0);
  const page = useAsyncRetry(
    () =>
      api.listFeedbackForReview({
        status,
        offset,
        limit: FEEDBACK_PAGE_SIZE,
      }),
    [api, status, offset],
  );
  // Marked items change in place, so the page does not jump while an admin works down it.
  const [shown, setShown] = useState<FeedbackReviewListResponse>();
  const [marking, setMarking] = useState<string>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (page.value) setShown(page.value);
  }, [page.value]);
  // A page emptied meanwhile (e.g. all of it reviewed elsewhere): back to the last one left.
  useEffect(() => {
    if (shown?.items.length === 0 && shown.offset > 0) {
      setShown(undefined);
      setOffset(Math.max(0, shown.total - FEEDBACK_PAGE_SIZE));
    }
  }, [shown]);

  const goTo = (next: { status?: Status; offset: number }) => {
    setShown(undefined);
    if (next.status) setStatus(next.status);
    setOffset(next.offset);
  };

  const markReviewed = async (item: FeedbackReviewItem) => {
    setMarking(item.messageId);
    setErrors(({ [item.messageId]: _old, ...rest }) => rest);
    try {
      const reviewed = await api.markFeedbackReviewed(item.messageId);
      setShown(
        current =>
          current && {
            ...current,
            items: current.items.map(i =>
              i.messageId === reviewed.messageId ? reviewed : i,
            ),
          },
      );
    } catch (e) {
      setErrors(current => ({
        ...current,
        [item.messageId]: `Could not mark it reviewed: ${describeError(e).message}`,
      }));
    } finally {
      setMarking(undefined);
    }
  };

  const total = shown?.total ?? 0;
  const first = shown?.offset ?? offset;
  const last = Math.min(first + FEEDBACK_PAGE_SIZE, total);
  return (
    <section aria-label="Feedback review">
      <div className={classes.toolbar}>
        <Typography variant="h6" component="h2" className={classes.title}>
          Thumbs-down answers
        </Typography>
        <TextField
          select
          size="small"
          variant="outlined"
          label="Show"
          id={filterId}
          className={classes.filter}
          value={status}
          SelectProps={{ native: true }}
          onChange={event =>
            goTo({ status: event.target.value as Status, offset: 0 })
          }
        >
          {FILTERS.map(filter => (
            <option key={filter.value} value={filter.value}>
              {filter.label}
            </option>
          ))}
        </TextField>
        <Button
          startIcon={<RefreshIcon />}
          onClick={page.retry}
          aria-label="Refresh feedback"
        >
          Refresh
        </Button>
      </div>
      {page.loading && <LinearProgress aria-label="Loading feedback" />}
      {page.error && (
        <Alert severity="error">
          Could not load the feedback: {describeError(page.error).message}
        </Alert>
      )}
      {shown && shown.items.length === 0 && (
        <Typography color="textSecondary">{EMPTY[status]}</Typography>
      )}
      {shown?.items.map(item => (
        <FeedbackReviewCard
          key={item.messageId}
          item={item}
          marking={marking === item.messageId}
          error={errors[item.messageId]}
          onMarkReviewed={() => markReviewed(item)}
        />
      ))}
      {shown && total > 0 && (
        <nav className={classes.pager} aria-label="Feedback pages">
          <Typography variant="body2" role="status">
            {first + 1}–{last} of {total}
          </Typography>
          <Button
            size="small"
            disabled={offset === 0 || page.loading}
            onClick={() =>
              goTo({ offset: Math.max(0, offset - FEEDBACK_PAGE_SIZE) })
            }
          >
            Newer
          </Button>
          <Button
            size="small"
            disabled={last >= total || page.loading}
            onClick={() => goTo({ offset: offset + FEEDBACK_PAGE_SIZE })}
          >
            Older
          </Button>
        </nav>
      )}
    </section>
  );
}
