import type {
  UsageFigures,
  UsageResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { useId, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { aiAssistantApiRef } from '../../api';
import { describeError } from '../../lib/describeError';

/** Days the view shows when it opens, today included. */
const DEFAULT_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  title: { flexGrow: 1 },
  estimated: { display: 'block', color: theme.palette.text.secondary },
  total: { '& > *': { fontWeight: theme.typography.fontWeightBold } },
  note: { marginTop: theme.spacing(1) },
}));

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const count = (n: number) => n.toLocaleString('en-US');

/** Tokens, with the part that was estimated (the provider reported none) said next to them. */
function Tokens(props: { value: number; estimated: number }) {
  const classes = useStyles();
  return (
    <>
      {count(props.value)}
      {props.estimated > 0 && (
        <>
          {' '}
          <Typography variant="caption" className={classes.estimated}>
            {count(props.estimated)} estimated
          </Typography>
        </>
      )}
    </>
  );
}

function Figures(props: { figures: UsageFigures }) {
  const { figures } = props;
  return (
    <>
      <TableCell align="right">{count(figures.chats)}</TableCell>
      <TableCell align="right">{count(figures.users)}</TableCell>
      <TableCell align="right">
        <Tokens
          value={figures.inputTokens}
          estimated={figures.estimatedInputTokens}
        />
      </TableCell>
      <TableCell align="right">
        <Tokens
          value={figures.outputTokens}
          estimated={figures.estimatedOutputTokens}
        />
      </TableCell>
      <TableCell align="right">{count(figures.errors)}</TableCell>
      <TableCell align="right">{count(figures.fallbacks)}</TableCell>
      <TableCell align="right">{count(figures.feedbackUp)}</TableCell>
      <TableCell align="right">{count(figures.feedbackDown)}</TableCell>
    </>
  );
}

const COLUMNS = [
  'Chats',
  'Users',
  'Tokens in',
  'Tokens out',
  'Errors',
  'Fallbacks',
  'Thumbs up',
  'Thumbs down',
];

function Budget(props: { usage: UsageResponse }) {
  const budget = props.usage.dailyTokenBudget;
  return (
    <Typography variant="body2" color="textSecondary">
      {budget === undefined
        ? 'No daily token budget is set (aiAssistant.chat.dailyTokenBudget).'
        : `Daily token budget: ${count(budget)} tokens per user, reset at 00:00 UTC.`}
    </Typography>
  );
}

function UsageTable(props: { usage: UsageResponse }) {
  const { rows, totals } = props.usage;
  const classes = useStyles();
  if (rows.length === 0) {
    return (
      <Typography color="textSecondary">
        No answers were given in this range.
      </Typography>
    );
  }
  return (
    <>
      <TableContainer>
        <Table size="small" aria-label="Usage per day and model">
          <TableHead>
            <TableRow>
              <TableCell>Day (UTC)</TableCell>
              <TableCell>Model</TableCell>
              {COLUMNS.map(column => (
                <TableCell key={column} align="right">
                  {column}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <TableRow key={`${row.day} ${row.modelId}`}>
                <TableCell>{row.day}</TableCell>
                <TableCell>{row.modelId}</TableCell>
                <Figures figures={row} />
              </TableRow>
            ))}
            <TableRow className={classes.total}>
              <TableCell colSpan={2}>Total</TableCell>
              <Figures figures={totals} />
            </TableRow>
          </TableBody>
        </Table>
      </TableContainer>
      {totals.estimatedChats > 0 && (
        <Typography
          variant="body2"
          color="textSecondary"
          className={classes.note}
        >
          For {count(totals.estimatedChats)} of {count(totals.chats)} answers
          the model provider reported no token counts; their tokens are
          estimated at about 4 characters a token.
        </Typography>
      )}
    </>
  );
}

/**
 * Usage and cost for admins: per UTC day and model, the answers, users, tokens in and out (with
 * the estimated part marked), errors, fallbacks and feedback over a date range, and the daily
 * token budget. Counts only: the API returns no message text.
 */
export function UsageView() {
  const api = useApi(aiAssistantApiRef);
  const classes = useStyles();
  const fromId = useId();
  const toId = useId();
  const [range, setRange] = useState(() => {
    const now = Date.now();
    return { from: utcDay(now - (DEFAULT_DAYS - 1) * DAY_MS), to: utcDay(now) };
  });
  const usage = useAsyncRetry(
    () => api.getUsage(range),
    [api, range.from, range.to],
  );
  const setDay = (key: 'from' | 'to') => (value: string) => {
    // A cleared or half-typed field keeps the last whole day.
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      setRange(current => ({ ...current, [key]: value }));
    }
  };

  return (
    <section aria-label="Usage and cost">
      <div className={classes.toolbar}>
        <Typography variant="h6" component="h2" className={classes.title}>
          Usage and cost
        </Typography>
        <TextField
          type="date"
          size="small"
          variant="outlined"
          label="From (UTC)"
          id={fromId}
          InputLabelProps={{ shrink: true }}
          value={range.from}
          onChange={event => setDay('from')(event.target.value)}
        />
        <TextField
          type="date"
          size="small"
          variant="outlined"
          label="To (UTC)"
          id={toId}
          InputLabelProps={{ shrink: true }}
          value={range.to}
          onChange={event => setDay('to')(event.target.value)}
        />
        <Button
          startIcon={<RefreshIcon />}
          onClick={usage.retry}
          aria-label="Refresh usage"
        >
          Refresh
        </Button>
      </div>
      {usage.loading && <LinearProgress aria-label="Loading usage" />}
      {usage.error && (
        <Alert severity="error">
          Could not load the usage: {describeError(usage.error).message}
        </Alert>
      )}
      {usage.value && !usage.error && (
        <>
          <Budget usage={usage.value} />
          <UsageTable usage={usage.value} />
        </>
      )}
    </section>
  );
}
