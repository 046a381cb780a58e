import type { ConversationSummary } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AddIcon from '@material-ui/icons/Add';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import type { MessageError } from '../../hooks/chatReducer';
import { describeError } from '../../lib/describeError';
import { ConfirmDialog } from '../ConfirmDialog';
import { ConversationItem, titleOf } from './ConversationItem';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    minHeight: 0,
    height: '100%',
  },
  list: {
    flex: 1,
    overflowY: 'auto',
  },
}));

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  /** Undefined while the first page loads. */
  conversations?: ConversationSummary[];
  error?: MessageError;
  hasMore: boolean;
  selectedId?: string;
  onSelect: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
  onDeleteAll: () => Promise<void>;
  onLoadMore: () => void;
  onRetry: () => void;
}

type PendingDelete =
  { kind: 'one'; conversation: ConversationSummary } | { kind: 'all' };

/** The user's conversations: start a new one, resume, rename or delete them. */
export function ConversationList(props: ConversationListProps) {
  const { conversations, error, selectedId } = props;
  const classes = useStyles();
  // Kept after the dialog closes, so its text does not change while it fades out.
  const [pending, setPending] = useState<PendingDelete>();
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<string>();

  const confirmDelete = async () => {
    const target = pending;
    setConfirming(false);
    try {
      if (target?.kind === 'one') {
        await props.onDelete(target.conversation.id);
      } else if (target?.kind === 'all') {
        await props.onDeleteAll();
      }
      setDeleteError(undefined);
    } catch (e) {
      setDeleteError(`Could not delete: ${describeError(e).message}`);
    }
  };

  return (
    <nav className={classes.root} aria-label="Conversations">
      <Button
        variant="contained"
        color="primary"
        startIcon={<AddIcon />}
        onClick={props.onNew}
      >
        New conversation
      </Button>
      {error && (
        <Alert
          severity="error"
          action={
            <Button color="inherit" size="small" onClick={props.onRetry}>
              Retry
            </Button>
          }
        >
          Could not load your conversations: {error.message}
        </Alert>
      )}
      {deleteError && <Alert severity="error">{deleteError}</Alert>}
      {!conversations && !error && (
        <LinearProgress aria-label="Loading conversations" />
      )}
      {conversations?.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No conversations yet.
        </Typography>
      )}
      {conversations && conversations.length > 0 && (
        <List dense className={classes.list}>
          {conversations.map(conversation => (
            <ConversationItem
              key={conversation.id}
              conversation={conversation}
              selected={conversation.id === selectedId}
              onSelect={() => props.onSelect(conversation.id)}
              onRename={title => props.onRename(conversation.id, title)}
              onDelete={() => {
                setPending({ kind: 'one', conversation });
                setConfirming(true);
              }}
            />
          ))}
        </List>
      )}
      {props.hasMore && (
        <Button size="small" onClick={props.onLoadMore}>
          Show more
        </Button>
      )}
      {conversations && conversations.length > 0 && (
        <Button
          size="small"
          color="secondary"
          onClick={() => {
            setPending({ kind: 'all' });
            setConfirming(true);
          }}
        >
          Delete all conversations
        </Button>
      )}
      <ConfirmDialog
        open={confirming}
        title={
          pending?.kind === 'all'
            ? 'Delete all conversations?'
            : 'Delete this conversation?'
        }
        text={
          pending?.kind === 'one'
            ? `"${titleOf(pending.conversation)}" and its messages will be deleted. This cannot be undone.`
            : 'All your conversations and their messages will be deleted. This cannot be undone.'
        }
        confirmLabel={pending?.kind === 'all' ? 'Delete all' : 'Delete'}
        onConfirm={confirmDelete}
        onCancel={() => setConfirming(false)}
      />
    </nav>
  );
}
