import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { aiAssistantApiRef } from '../../../api';
import { describeError } from '../../../lib/describeError';
import { ConfirmDialog } from '../../ConfirmDialog';
import { SourceCard } from './SourceCard';

// While a run goes or waits, the view refreshes itself at this pace to show its progress.
const POLL_MS = 2000;
// After "Run all now", until a run shows (the scheduler starts it just after answering).
const STARTING_GIVE_UP_MS = 30_000;

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  notice: { marginBottom: theme.spacing(2) },
}));

/**
 * The cockpit's Sources view: per source (ingestor) what is stored, with which embedding
 * model, how fresh, the last run with its progress, pruned and skipped documents; buttons to
 * run a source now or re-index it (re-embed everything), and to run every source now.
 */
export function SourcesView() {
  const api = useApi(aiAssistantApiRef);
  const classes = useStyles();
  const sources = useAsyncRetry(() => api.getSources(), [api]);
  const [notice, setNotice] = useState<{
    severity: 'success' | 'error';
    text: string;
  }>();
  const [busy, setBusy] = useState(false);
  // The source to confirm a re-index of; kept while the dialog closes, so its text stays.
  const [confirmReindex, setConfirmReindex] = useState<{
    id: string;
    open: boolean;
  }>();
  const [startedAllAt, setStartedAllAt] = useState<number>();
  const [now, setNow] = useState(() => Date.now());
  const { retry } = sources;
  const list = sources.value?.sources;
  const active = list?.some(
    s => s.pendingRequest || s.lastRun?.state === 'running',
  );
  const awaitingAll =
    startedAllAt !== undefined && now - startedAllAt < STARTING_GIVE_UP_MS;

  useEffect(() => {
    if (!active && !awaitingAll) return undefined;
    const timer = setInterval(() => {
      setNow(Date.now());
      retry();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, awaitingAll, retry]);

  // Once a run shows after "Run all now", polling follows the runs themselves.
  useEffect(() => {
    if (active) setStartedAllAt(undefined);
  }, [active]);

  const act = async (what: string, fn: () => Promise<void>, done: string) => {
    setBusy(true);
    try {
      await fn();
      setNotice({ severity: 'success', text: done });
      setNow(Date.now());
      retry();
    } catch (e) {
      setNotice({
        severity: 'error',
        text: `Could not ${what}: ${describeError(e).message}`,
      });
    } finally {
      setBusy(false);
    }
  };

  const runAll = () =>
    act(
      'start ingestion',
      async () => {
        await api.runIngestion();
        setStartedAllAt(Date.now());
      },
      'Ingestion of every source started.',
    );
  const runSource = (id: string) =>
    act(
      `run ${id}`,
      () => api.runSource(id),
      `A run of ${id} is queued; it starts when no other ingestion runs.`,
    );
  const reindexSource = (id: string) =>
    act(
      `re-index ${id}`,
      () => api.runSource(id, { reembed: true }),
      `A re-index of ${id} is queued; it starts when no other ingestion runs.`,
    );
  const confirming = list?.find(s => s.id === confirmReindex?.id);
  const closeConfirm = () =>
    setConfirmReindex(previous => previous && { ...previous, open: false });

  return (
    <section aria-label="Sources">
      <div className={classes.toolbar}>
        <div>
          <Typography variant="h6" component="h2">
            Sources
          </Typography>
          {/* Primary text: the theme's secondary grey falls short of WCAG AA on the page. */}
          {sources.value && (
            <Typography variant="body2">
              {sources.value.embeddingModel
                ? `Questions are embedded with ${sources.value.embeddingModel.model}, ${sources.value.embeddingModel.dimensions} dimensions.`
                : 'The embeddings provider cannot be reached: the current model is unknown.'}
            </Typography>
          )}
        </div>
        <div>
          <Button
            startIcon={<RefreshIcon />}
            onClick={() => {
              setNow(Date.now());
              retry();
            }}
            aria-label="Refresh sources"
          >
            Refresh
          </Button>
          <Button
            variant="contained"
            color="primary"
            onClick={runAll}
            disabled={busy}
          >
            Run all now
          </Button>
        </div>
      </div>
      {notice && (
        <Alert
          severity={notice.severity}
          onClose={() => setNotice(undefined)}
          className={classes.notice}
        >
          {notice.text}
        </Alert>
      )}
      {sources.loading && !sources.value && (
        <LinearProgress aria-label="Loading sources" />
      )}
      {sources.error && (
        <Alert severity="error" className={classes.notice}>
          Could not load the sources: {describeError(sources.error).message}
        </Alert>
      )}
      {list && list.length === 0 && (
        <Typography>
          No ingestor is installed. Add an ingestor module to the backend.
        </Typography>
      )}
      {list?.map(source => (
        <SourceCard
          key={source.id}
          source={source}
          now={now}
          currentModelKnown={Boolean(sources.value?.embeddingModel)}
          busy={busy}
          onRun={() => runSource(source.id)}
          onReindex={() => setConfirmReindex({ id: source.id, open: true })}
        />
      ))}
      <ConfirmDialog
        open={Boolean(confirming && confirmReindex?.open)}
        title={`Re-index ${confirming?.id ?? ''}?`}
        text={`Every document of ${confirming?.id ?? ''} is embedded again, changed or not: ${confirming?.chunks ?? 0} chunks sent to the embeddings provider. Search keeps answering from the stored copy meanwhile.`}
        confirmLabel="Re-index"
        onCancel={closeConfirm}
        onConfirm={() => {
          closeConfirm();
          void reindexSource(confirmReindex!.id);
        }}
      />
    </section>
  );
}
