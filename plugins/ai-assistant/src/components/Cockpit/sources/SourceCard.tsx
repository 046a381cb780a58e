import type {
  SourceStatusInfo,
  IngestionProgressInfo,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { readableColor } from '../../../lib/readableColor';
import { describeRun, formatAge } from './format';
import { RunErrors } from './RunErrors';

const useStyles = makeStyles(theme => ({
  card: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  actions: { display: 'flex', gap: theme.spacing(1) },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(1, 0, 0),
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
  },
  progress: { marginTop: theme.spacing(1) },
  // Words in status colours: made readable (WCAG AA) in the light and the dark theme.
  failed: { color: readableColor(theme.palette.error.main, theme) },
  running: { color: readableColor(theme.palette.info.main, theme) },
  succeeded: { color: readableColor(theme.palette.success.main, theme) },
  stale: { color: readableColor(theme.palette.warning.main, theme) },
  skipped: { margin: 0, paddingLeft: theme.spacing(2) },
}));

const plural = (count: number, word: string) =>
  `${count} ${word}${count === 1 ? '' : 's'}`;

function when(iso: string | undefined, now: number): string {
  if (!iso) return 'never';
  return `${new Date(iso).toLocaleString()} (${formatAge(now - Date.parse(iso))})`;
}

function describeProgress(progress: IngestionProgressInfo): string {
  return `${progress.documentsDone} / ${progress.documentsTotal} documents, ${progress.chunksDone} / ${progress.chunksTotal} chunks, ${progress.percent} %`;
}

/** The state word of a source: queued when a requested run waits, else its last run's. */
function describeState(source: SourceStatusInfo): {
  text: string;
  state?: 'running' | 'succeeded' | 'failed';
} {
  const state = source.lastRun?.state;
  if (source.pendingRequest && state !== 'running') {
    return {
      text: source.pendingRequest.reembed ? 'queued: re-index' : 'queued: run',
    };
  }
  if (state === 'running' && source.lastRun?.reembed) {
    return { text: 'running: re-index', state };
  }
  return { text: state ?? 'not run yet', state };
}

/**
 * One source as admins see it in the cockpit: what is stored and with which model, how
 * fresh it is, its last run with progress, pruned and skipped documents, and buttons to run
 * or re-index it.
 */
export function SourceCard(props: {
  source: SourceStatusInfo;
  now: number;
  /** Whether the current embedding model is known; if not, no stored model is flagged. */
  currentModelKnown: boolean;
  /** Disables the buttons while a click is being sent. */
  busy: boolean;
  onRun: () => void;
  onReindex: () => void;
}) {
  const { source, now, busy } = props;
  const classes = useStyles();
  const run = source.lastRun;
  const state = describeState(source);
  const waiting = Boolean(source.pendingRequest) || run?.state === 'running';
  const headingId = `ai-assistant-source-${source.id}`;
  const models = source.embeddingModels;
  const stale = (model: { current: boolean }) =>
    props.currentModelKnown && !model.current;

  return (
    <Paper
      component="section"
      variant="outlined"
      className={classes.card}
      aria-labelledby={headingId}
    >
      <div className={classes.header}>
        <Typography variant="subtitle1" component="h3" id={headingId}>
          {source.id}
        </Typography>
        {/* Named by their text, described by the source's name: "Run now, catalog". */}
        <div className={classes.actions}>
          <Button
            variant="outlined"
            onClick={props.onRun}
            disabled={busy || waiting}
            aria-describedby={headingId}
          >
            Run now
          </Button>
          <Button
            variant="outlined"
            color="primary"
            onClick={props.onReindex}
            disabled={busy || waiting}
            aria-describedby={headingId}
          >
            Re-index
          </Button>
        </div>
      </div>
      {run?.progress && (
        <div className={classes.progress}>
          <LinearProgress
            variant="determinate"
            value={run.progress.percent}
            aria-label={`Progress of ${source.id}`}
          />
          <Typography variant="body2" aria-live="polite">
            {describeProgress(run.progress)}
          </Typography>
        </div>
      )}
      <dl className={classes.facts}>
        <dt>State</dt>
        <dd className={state.state ? classes[state.state] : undefined}>
          {state.text}
        </dd>
        <dt>Last run</dt>
        <dd>{describeRun(run, now)}</dd>
        <dt>Last successful run</dt>
        <dd>{when(source.lastSucceededAt, now)}</dd>
        <dt>Newest document</dt>
        <dd>
          {source.newestSourceUpdateAt
            ? when(source.newestSourceUpdateAt, now)
            : 'not reported by the source'}
        </dd>
        <dt>Documents</dt>
        <dd>{source.documents}</dd>
        <dt>Chunks</dt>
        <dd>{source.chunks}</dd>
        <dt>Embedding model</dt>
        <dd>
          {models.length === 0
            ? 'nothing stored'
            : models.map(model => (
                <div
                  key={`${model.model}/${model.dimensions}`}
                  className={stale(model) ? classes.stale : undefined}
                >
                  {model.model}, {model.dimensions} dimensions
                  {models.length > 1 &&
                    ` (${plural(model.documents, 'document')})`}
                  {stale(model) &&
                    ': not the current model, not searched; re-index'}
                </div>
              ))}
        </dd>
        <dt>Pruned by the last run</dt>
        <dd>
          {run
            ? `${plural(run.documentsPruned, 'document')}, ${plural(run.chunksPruned, 'chunk')}`
            : 'nothing'}
        </dd>
        <dt>Errors</dt>
        <dd>
          <RunErrors run={run} listClass={classes.skipped} />
        </dd>
      </dl>
    </Paper>
  );
}
