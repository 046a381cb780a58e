import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import BlockIcon from '@material-ui/icons/Block';
import CheckIcon from '@material-ui/icons/Check';
import WarningIcon from '@material-ui/icons/Warning';
import Alert from '@material-ui/lab/Alert';
import { useId } from 'react';
import type { ViewApproval } from '../../hooks/chatReducer';
import { useStatusTextStyles } from '../../lib/readableColor';

const useStyles = makeStyles(theme => ({
  root: {
    margin: theme.spacing(0, 0, 1.5),
    padding: theme.spacing(1.5, 2),
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.divider}`,
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    backgroundColor: theme.palette.background.default,
  },
  destructive: { borderLeftColor: theme.palette.error.main },
  heading: { fontWeight: theme.typography.fontWeightBold as number },
  actionId: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
  warning: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    margin: theme.spacing(1, 0, 0),
  },
  // The arguments are what will run: shown whole (no scrolling that could hide a part), as
  // indented JSON, never summarised.
  args: {
    margin: theme.spacing(0.5, 0, 0),
    padding: theme.spacing(1),
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.paper,
    border: `1px solid ${theme.palette.divider}`,
    color: theme.palette.text.primary,
  },
  buttons: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1.5),
  },
  outcome: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(1.5),
  },
}));

/** Props of {@link ApprovalCard}. */
export interface ApprovalCardProps {
  approval: ViewApproval;
  /** Sends the user's decision; without it the card only shows the request. */
  onDecide?: (decision: 'approve' | 'deny') => void;
}

const OUTCOME = {
  approve: 'You approved this action.',
  deny: 'You denied this action: it did not run, and the assistant was told.',
} as const;

const ARGUMENTS_CAPTION = {
  pending: 'It will run with exactly these arguments:',
  approve: 'Approved with exactly these arguments:',
  deny: 'It would have run with these arguments:',
} as const;

/**
 * An action the assistant wants to run that may change something: what it is, and the exact
 * arguments it would run with, for the user to approve or deny. Nothing runs before approval.
 */
export function ApprovalCard(props: ApprovalCardProps) {
  const { approval, onDecide } = props;
  const { request, decision, sending, error } = approval;
  const classes = useStyles();
  const status = useStatusTextStyles();
  const headingId = useId();
  const destructive = request.attributes.destructive;
  const decided = decision !== undefined && !sending;

  return (
    <section
      aria-labelledby={headingId}
      className={`${classes.root} ${destructive ? classes.destructive : ''}`}
    >
      <Typography variant="body2" className={classes.heading} id={headingId}>
        Approve action: {request.title}
      </Typography>
      <Typography
        variant="caption"
        color="textSecondary"
        component="div"
        className={classes.actionId}
      >
        {request.actionId}
      </Typography>
      {request.description && (
        <Typography variant="body2" component="p">
          {request.description}
        </Typography>
      )}
      {destructive && (
        <Typography
          variant="body2"
          component="p"
          className={`${classes.warning} ${status.error}`}
        >
          <WarningIcon fontSize="small" aria-hidden />
          Destructive: this action may change or delete data, and may not be
          undone.
        </Typography>
      )}
      <Typography variant="caption" component="p" className={status.secondary}>
        {ARGUMENTS_CAPTION[decided ? decision : 'pending']}
      </Typography>
      <pre className={classes.args} role="region" aria-label="Arguments">
        {JSON.stringify(request.input, null, 2)}
      </pre>
      {error && (
        <Alert severity="error" role="alert">
          Your decision was not sent: {error.message}
        </Alert>
      )}
      {decided ? (
        <Typography variant="body2" className={classes.outcome} role="status">
          {decision === 'approve' ? (
            <CheckIcon fontSize="small" aria-hidden />
          ) : (
            <BlockIcon fontSize="small" aria-hidden />
          )}
          {OUTCOME[decision]}
        </Typography>
      ) : (
        <div className={classes.buttons}>
          <Button
            variant="contained"
            color="primary"
            size="small"
            disabled={sending || !onDecide}
            onClick={() => onDecide?.('approve')}
            startIcon={
              sending && decision === 'approve' ? (
                <CircularProgress size={14} aria-hidden />
              ) : (
                <CheckIcon />
              )
            }
          >
            Approve and run
          </Button>
          <Button
            variant="outlined"
            size="small"
            disabled={sending || !onDecide}
            onClick={() => onDecide?.('deny')}
            startIcon={
              sending && decision === 'deny' ? (
                <CircularProgress size={14} aria-hidden />
              ) : (
                <BlockIcon />
              )
            }
          >
            Deny
          </Button>
          {sending && (
            <Typography variant="caption" className={status.secondary}>
              Sending your decision…
            </Typography>
          )}
        </div>
      )}
    </section>
  );
}
