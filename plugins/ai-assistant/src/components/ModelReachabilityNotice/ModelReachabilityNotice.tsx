import type { AiAssistantModelInfo } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';

const useStyles = makeStyles(theme => ({
  notice: { margin: theme.spacing(1, 2, 0) },
}));

/** Props of {@link ModelReachabilityNotice}. */
export interface ModelReachabilityNoticeProps {
  /** The models of `GET /models`, with the backend's reachability check. */
  models: AiAssistantModelInfo[];
  /** The model questions go to: the picked one or the default. */
  modelId?: string;
}

/**
 * A small notice above the composer when the model questions go to did not answer the
 * backend's last check, so that users learn it before they ask rather than from a failed
 * answer. It uses only the backend's words for users (no addresses or settings) and points at
 * a model that does answer, when there is one.
 */
export function ModelReachabilityNotice(props: ModelReachabilityNoticeProps) {
  const { models, modelId } = props;
  const classes = useStyles();
  const selected = models.find(model => model.id === modelId) ?? models[0];
  if (!selected || selected.reachable !== false) {
    return null;
  }
  const other = models.find(
    model => model !== selected && model.reachable !== false,
  );
  return (
    <Alert severity="warning" role="status" className={classes.notice}>
      Answers from {selected.displayName} are unavailable right now.
      {selected.unreachableReason ? ` ${selected.unreachableReason}` : ''}{' '}
      {other
        ? `Pick another model, such as ${other.displayName}, or try again later.`
        : 'Please try again later.'}
    </Alert>
  );
}
