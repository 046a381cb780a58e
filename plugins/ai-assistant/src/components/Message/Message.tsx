import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import EditOutlinedIcon from '@material-ui/icons/EditOutlined';
import RefreshIcon from '@material-ui/icons/Refresh';
import type { ViewMessage } from '../../hooks/chatReducer';
import { ApprovalCard } from '../ApprovalCard';
import { CopyButton } from '../CopyButton';
import { Feedback } from '../Feedback';
import { Markdown } from '../Markdown';
import { WhyThisAnswer } from '../RetrievalTest';
import { Sources } from '../Sources';
import { ToolCalls } from '../ToolCalls';
import { MessageError } from './MessageError';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    margin: theme.spacing(1.5, 0),
  },
  user: { alignItems: 'flex-end' },
  bubble: {
    maxWidth: '100%',
    padding: theme.spacing(1.5, 2),
    borderRadius: theme.shape.borderRadius * 2,
    backgroundColor: theme.palette.background.paper,
    border: `1px solid ${theme.palette.divider}`,
    color: theme.palette.text.primary,
  },
  // Answers use the full width: tables and code need it.
  assistantBubble: {
    alignSelf: 'stretch',
  },
  userBubble: {
    maxWidth: '80%',
    backgroundColor: theme.palette.action.selected,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  status: {
    display: 'block',
    marginTop: theme.spacing(0.5),
  },
  footer: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  copy: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
}));

/** Props of {@link Message}. */
export interface MessageProps {
  message: ViewMessage;
  onRate?: (
    messageId: string,
    rating: 'up' | 'down',
    comment?: string,
  ) => Promise<void>;
  /** Asks this failed answer's question again; shown as "Retry". */
  onRetry?: () => void;
  /** Asks the last answer's question again for a new answer; shown as "Regenerate". */
  onRegenerate?: () => void;
  /** Puts the user's question back into the composer to change and send again. */
  onEdit?: () => void;
  /** Approves or denies the action this answer paused for. */
  onDecide?: (approvalId: string, decision: 'approve' | 'deny') => void;
}

/**
 * One message. The user's own text is shown as typed; the assistant's answer is rendered
 * as markdown with its tool calls, error and sources.
 */
export function Message(props: MessageProps) {
  const { message, onRate, onRetry, onRegenerate, onEdit, onDecide } = props;
  const classes = useStyles();

  if (message.role === 'user') {
    return (
      <div
        className={`${classes.root} ${classes.user}`}
        aria-label="Your message"
      >
        <div className={`${classes.bubble} ${classes.userBubble}`}>
          <Typography variant="body1" component="div">
            {message.content}
          </Typography>
        </div>
        {onEdit && (
          <IconButton size="small" aria-label="Edit question" onClick={onEdit}>
            <EditOutlinedIcon fontSize="small" />
          </IconButton>
        )}
      </div>
    );
  }

  const streaming = message.status === 'streaming';
  const { id } = message;
  const canRate =
    id !== undefined &&
    onRate !== undefined &&
    !streaming &&
    message.content !== '';
  return (
    <article
      className={classes.root}
      aria-label="Assistant's answer"
      aria-busy={streaming}
    >
      <div className={`${classes.bubble} ${classes.assistantBubble}`}>
        <ToolCalls toolCalls={message.toolCalls} />
        {message.approval && (
          <ApprovalCard
            approval={message.approval}
            onDecide={
              onDecide && message.status === 'awaiting_approval'
                ? decision => onDecide(message.approval!.request.id, decision)
                : undefined
            }
          />
        )}
        {message.content !== '' && (
          <Markdown text={message.content} sources={message.sources} />
        )}
        {streaming && message.content === '' && (
          <Typography variant="body2" color="textSecondary">
            {message.sources.length > 0 || message.approval
              ? 'Writing an answer…'
              : 'Searching the knowledge base…'}
          </Typography>
        )}
        {message.status === 'aborted' && (
          <Typography
            variant="caption"
            color="textSecondary"
            className={classes.status}
          >
            Stopped: the answer is incomplete.
          </Typography>
        )}
        {message.error && <MessageError error={message.error} />}
        <Sources sources={message.sources} answer={message.content} />
      </div>
      {!streaming && (
        <div className={classes.footer}>
          {onRetry && (
            <Button
              size="small"
              variant="outlined"
              startIcon={<RefreshIcon fontSize="small" />}
              onClick={onRetry}
            >
              Retry
            </Button>
          )}
          {onRegenerate && (
            <Button
              size="small"
              startIcon={<RefreshIcon fontSize="small" />}
              onClick={onRegenerate}
            >
              Regenerate
            </Button>
          )}
          {message.content !== '' && (
            <CopyButton
              text={message.content}
              label="Copy answer"
              className={classes.copy}
            />
          )}
          {id !== undefined && <WhyThisAnswer messageId={id} />}
          {canRate && (
            <Feedback
              rating={message.rating}
              onRate={(rating, comment) => onRate(id, rating, comment)}
            />
          )}
        </div>
      )}
    </article>
  );
}
