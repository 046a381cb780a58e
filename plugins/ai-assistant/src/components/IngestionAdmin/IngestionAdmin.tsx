import type { IngestorStatusInfo } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { aiAssistantApiRef } from '../../api';
import { describeError } from '../../lib/describeError';
import { readableColor } from '../../lib/readableColor';

// While a run is going, the table refreshes itself at this pace.
const POLL_MS = 5000;
// After "Run now", until the new run shows (the server starts it just after answering).
const STARTING_POLL_MS = 1000;
const STARTING_GIVE_UP_MS = 30_000;

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  // Words in status colours: made readable (WCAG AA) in the light and the dark theme.
  failed: { color: readableColor(theme.palette.error.main, theme) },
  running: { color: readableColor(theme.palette.info.main, theme) },
  succeeded: { color: readableColor(theme.palette.success.main, theme) },
  error: {
    maxWidth: 480,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  skipped: { margin: 0, paddingLeft: theme.spacing(2) },
}));

// Skipped documents listed per ingestor; the rest are counted.
const SHOWN_DOCUMENT_ERRORS = 5;

/** The run's own error, then the documents it skipped (a run can succeed with some). */
function RunErrors(props: { ingestor: IngestorStatusInfo; listClass: string }) {
  const run = props.ingestor.lastRun;
  const failed = run?.documentsFailed ?? 0;
  if (!run?.error && failed === 0) {
    return <>none</>;
  }
  const shown = (run?.documentErrors ?? []).slice(0, SHOWN_DOCUMENT_ERRORS);
  const label = `${failed} document${failed === 1 ? '' : 's'} skipped`;
  return (
    <>
      {run?.error}
      {failed > 0 && (
        <>
          <Typography variant="body2" component="div">
            {label}
          </Typography>
          <ul aria-label={label} className={props.listClass}>
            {shown.map(item => (
              <li key={item.documentId}>
                {item.documentId}: {item.error}
              </li>
            ))}
            {failed > shown.length && <li>and {failed - shown.length} more</li>}
          </ul>
        </>
      )}
    </>
  );
}

/** A run's length as people say it: "4.8 s", "47 s", "3 min 12 s". */
function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) {
    return `${seconds.toFixed(1)} s`;
  }
  if (seconds < 120) {
    return `${Math.round(seconds)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

function describeRun(ingestor: IngestorStatusInfo, now: number): string {
  const run = ingestor.lastRun;
  if (!run) {
    return 'never';
  }
  const started = new Date(run.startedAt).toLocaleString();
  if (!run.finishedAt) {
    return `${started} (running for ${formatDuration(now - Date.parse(run.startedAt))})`;
  }
  return `${started} (${formatDuration(
    Date.parse(run.finishedAt) - Date.parse(run.startedAt),
  )})`;
}

/**
 * Ingestion status for admins: per ingestor the latest run, what is stored, errors (of the
 * run, and of the documents it skipped), and a button to run ingestion now.
 */
export function IngestionAdmin() {
  const api = useApi(aiAssistantApiRef);
  const classes = useStyles();
  const status = useAsyncRetry(() => api.getIngestionStatus(), [api]);
  const [notice, setNotice] = useState<{
    severity: 'success' | 'error';
    text: string;
  }>();
  const [starting, setStarting] = useState(false);
  // Set by "Run now": the runs shown then, and when; cleared once a new run shows.
  const [awaiting, setAwaiting] = useState<{ runIds: string; since: number }>();
  const running = status.value?.ingestors.some(
    i => i.lastRun?.state === 'running',
  );
  const runIds = JSON.stringify(
    status.value?.ingestors.map(i => i.lastRun?.id) ?? [],
  );
  const { retry } = status;

  useEffect(() => {
    if (awaiting && (runIds !== awaiting.runIds || running)) {
      setAwaiting(undefined);
    }
  }, [awaiting, runIds, running]);

  useEffect(() => {
    if (!running && !awaiting) {
      return undefined;
    }
    const timer = setInterval(
      () => {
        if (awaiting && Date.now() - awaiting.since > STARTING_GIVE_UP_MS) {
          setAwaiting(undefined);
        }
        retry();
      },
      awaiting ? STARTING_POLL_MS : POLL_MS,
    );
    return () => clearInterval(timer);
  }, [running, awaiting, retry]);

  const runNow = async () => {
    setStarting(true);
    try {
      await api.runIngestion();
      setNotice({ severity: 'success', text: 'Ingestion started.' });
      setAwaiting({ runIds, since: Date.now() });
      retry();
    } catch (e) {
      setNotice({
        severity: 'error',
        text: `Could not start ingestion: ${describeError(e).message}`,
      });
    } finally {
      setStarting(false);
    }
  };

  return (
    <section aria-label="Ingestion">
      <div className={classes.toolbar}>
        <Typography variant="h6" component="h2">
          Ingestion
        </Typography>
        <div>
          <Button
            startIcon={<RefreshIcon />}
            onClick={retry}
            aria-label="Refresh ingestion status"
          >
            Refresh
          </Button>
          <Button
            variant="contained"
            color="primary"
            onClick={runNow}
            disabled={starting}
          >
            Run now
          </Button>
        </div>
      </div>
      {notice && (
        <Alert severity={notice.severity} onClose={() => setNotice(undefined)}>
          {notice.text}
        </Alert>
      )}
      {status.loading && (
        <LinearProgress aria-label="Loading ingestion status" />
      )}
      {status.error && (
        <Alert severity="error">
          Could not load the ingestion status:{' '}
          {describeError(status.error).message}
        </Alert>
      )}
      {status.value && status.value.ingestors.length === 0 && (
        <Typography color="textSecondary">
          No ingestor is installed. Add an ingestor module to the backend.
        </Typography>
      )}
      {status.value && status.value.ingestors.length > 0 && (
        <Table size="small" aria-label="Ingestors">
          <TableHead>
            <TableRow>
              <TableCell>Ingestor</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Last run</TableCell>
              <TableCell align="right">Documents</TableCell>
              <TableCell align="right">Chunks</TableCell>
              <TableCell>Errors</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {status.value.ingestors.map(ingestor => {
              const state = ingestor.lastRun?.state;
              return (
                <TableRow key={ingestor.id}>
                  <TableCell component="th" scope="row">
                    {ingestor.id}
                  </TableCell>
                  <TableCell className={state ? classes[state] : undefined}>
                    {state ?? 'not run yet'}
                  </TableCell>
                  <TableCell>{describeRun(ingestor, Date.now())}</TableCell>
                  <TableCell align="right">{ingestor.documents}</TableCell>
                  <TableCell align="right">{ingestor.chunks}</TableCell>
                  <TableCell className={classes.error}>
                    <RunErrors
                      ingestor={ingestor}
                      listClass={classes.skipped}
                    />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
