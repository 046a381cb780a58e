import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import { useEffect, useRef, useState } from 'react';
import type { ViewMessage } from '../../hooks/chatReducer';
import type { SendOptions } from '../../hooks/useChat';
import { Message } from '../Message';

const useStyles = makeStyles(theme => ({
  root: {
    flex: 1,
    overflowY: 'auto',
    padding: theme.spacing(0, 2),
  },
  older: {
    display: 'flex',
    justifyContent: 'center',
    paddingTop: theme.spacing(1),
  },
  // Floats at the bottom of the visible part of the conversation.
  latest: {
    position: 'sticky',
    bottom: theme.spacing(1),
    display: 'flex',
    justifyContent: 'center',
    pointerEvents: 'none',
    '& > *': { pointerEvents: 'auto' },
  },
}));

// How close to the bottom counts as "following the answer".
const STICKY_PIXELS = 48;

/** Props of {@link MessageList}. */
export interface MessageListProps {
  messages: ViewMessage[];
  streaming: boolean;
  onRate?: (
    messageId: string,
    rating: 'up' | 'down',
    comment?: string,
  ) => Promise<void>;
  /**
   * Asks a question again (Retry on a failed answer, Regenerate on the last one); for the last
   * answer as a regenerate, so the model does not see the answer being replaced.
   */
  onAskAgain?: (question: string, options?: SendOptions) => void;
  /** Puts a question of the user back into the composer. */
  onEdit?: (question: string) => void;
  /** Approves or denies the action the last answer paused for. */
  onDecide?: (approvalId: string, decision: 'approve' | 'deny') => void;
  /** Whether the conversation has messages before the first one shown. */
  hasOlderMessages?: boolean;
  /** Loads the messages before the first one shown. */
  onLoadOlder?: () => void;
  loadingOlder?: boolean;
}

/**
 * The conversation, scrolled to follow a streaming answer unless the user scrolled up to
 * read something earlier; then a "Jump to latest" button brings them back. A new question
 * always scrolls into view.
 */
export function MessageList(props: MessageListProps) {
  const {
    messages,
    streaming,
    onRate,
    onAskAgain,
    onEdit,
    onDecide,
    hasOlderMessages,
    onLoadOlder,
    loadingOlder,
  } = props;
  const classes = useStyles();
  const container = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [scrolledUp, setScrolledUp] = useState(false);

  const content = useRef<HTMLDivElement>(null);

  const follow = () => {
    const element = container.current;
    if (element && following.current) {
      element.scrollTop = element.scrollHeight;
    }
  };

  const jumpToLatest = () => {
    following.current = true;
    setScrolledUp(false);
    follow();
  };

  // Sending a question brings it into view, however far up the user had scrolled.
  const questions = messages.filter(message => message.role === 'user').length;
  useEffect(jumpToLatest, [questions]);
  useEffect(follow, [messages]);

  // Code blocks highlight after they mount and grow the answer; keep following that too.
  useEffect(() => {
    if (typeof ResizeObserver === 'undefined' || !content.current) {
      return undefined;
    }
    const observer = new ResizeObserver(follow);
    observer.observe(content.current);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const element = container.current;
    if (element) {
      following.current =
        element.scrollHeight - element.scrollTop - element.clientHeight <
        STICKY_PIXELS;
      setScrolledUp(!following.current);
    }
  };

  return (
    <div
      ref={container}
      className={classes.root}
      onScroll={onScroll}
      role="log"
      aria-label="Conversation"
      aria-live="polite"
      aria-busy={streaming}
    >
      <div ref={content}>
        {hasOlderMessages && onLoadOlder && (
          <div className={classes.older}>
            <Button size="small" onClick={onLoadOlder} disabled={loadingOlder}>
              Show earlier messages
            </Button>
          </div>
        )}
        {messages.map((message, index) => {
          // Asking again needs the question: the user message just before the answer.
          const previous = messages[index - 1];
          const question =
            message.role === 'assistant' && previous?.role === 'user'
              ? previous.content
              : undefined;
          const last = index === messages.length - 1;
          const askAgain =
            !streaming && onAskAgain && question !== undefined
              ? () => onAskAgain(question, { regenerate: last })
              : undefined;
          return (
            <Message
              key={message.key}
              message={message}
              onRate={onRate}
              onRetry={message.status === 'error' ? askAgain : undefined}
              // A paused answer is not over: it continues once the user decides.
              onRegenerate={
                last &&
                message.status !== 'error' &&
                message.status !== 'awaiting_approval'
                  ? askAgain
                  : undefined
              }
              onDecide={onDecide}
              onEdit={
                message.role === 'user' && !streaming && onEdit
                  ? () => onEdit(message.content)
                  : undefined
              }
            />
          );
        })}
      </div>
      {scrolledUp && (
        <div className={classes.latest}>
          <Button
            variant="contained"
            size="small"
            color="primary"
            startIcon={<ArrowDownwardIcon />}
            onClick={jumpToLatest}
          >
            Jump to latest
          </Button>
        </div>
      )}
    </div>
  );
}
