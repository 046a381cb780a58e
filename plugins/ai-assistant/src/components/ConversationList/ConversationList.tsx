import type { ConversationSummary } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AddIcon from '@material-ui/icons/Add';
import SearchIcon from '@material-ui/icons/Search';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useId, useState } from 'react';
import type { MessageError } from '../../hooks/chatReducer';
import { describeError } from '../../lib/describeError';
import { useStatusTextStyles } from '../../lib/readableColor';
import { ConfirmDialog } from '../ConfirmDialog';
import { ConversationItem, titleOf } from './ConversationItem';
import { groupByDate } from './dateGroups';

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
  // Sticky, so the period of the rows in view stays named while the list scrolls.
  groupHeading: {
    display: 'block',
    position: 'sticky',
    top: 0,
    zIndex: 1,
    padding: theme.spacing(0.5, 2),
    color: theme.palette.text.secondary,
    backgroundColor: theme.palette.background.default,
  },
}));

/** How long typing pauses before the search goes to the server. */
const SEARCH_DELAY_MS = 300;

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  /** Undefined while the first page loads. */
  conversations?: ConversationSummary[];
  error?: MessageError;
  /** Whether older conversations can be loaded with `onLoadMore`. */
  hasMore: boolean;
  selectedId?: string;
  onSelect: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
  onDeleteAll: () => Promise<void>;
  onLoadMore: () => Promise<void> | void;
  onRetry: () => void;
  /** Shows only conversations whose title contains the text (blank: all); searched on the server. */
  onSearch: (text: string) => void;
}

type PendingDelete =
  { kind: 'one'; conversation: ConversationSummary } | { kind: 'all' };

/** The user's conversations: start a new one, resume, rename or delete them. */
export function ConversationList(props: ConversationListProps) {
  const { conversations, error, selectedId } = props;
  const classes = useStyles();
  const status = useStatusTextStyles();
  // Kept after the dialog closes, so its text does not change while it fades out.
  const [pending, setPending] = useState<PendingDelete>();
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<string>();
  const [searchText, setSearchText] = useState('');
  const [loadingMore, setLoadingMore] = useState(false);
  const idPrefix = useId();
  const { onSearch } = props;

  // One request per pause in typing, not per key.
  useEffect(() => {
    const timer = setTimeout(() => onSearch(searchText), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchText, onSearch]);

  const loadMore = async () => {
    // Not disabled while loading: a disabled button would drop the keyboard focus.
    if (loadingMore) {
      return;
    }
    setLoadingMore(true);
    try {
      await props.onLoadMore();
    } finally {
      setLoadingMore(false);
    }
  };

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
      <TextField
        type="search"
        size="small"
        variant="outlined"
        placeholder="Search conversations"
        value={searchText}
        onChange={event => setSearchText(event.target.value)}
        inputProps={{ 'aria-label': 'Search conversations', maxLength: 200 }}
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
      {conversations?.length === 0 && (
        <Typography variant="body2" className={status.secondary}>
          {searchText.trim()
            ? `No conversation titles contain "${searchText.trim()}".`
            : 'No conversations yet.'}
        </Typography>
      )}
      {conversations && conversations.length > 0 && (
        <div className={classes.list}>
          {groupByDate(conversations).map((group, index) => (
            <section key={group.label} aria-labelledby={`${idPrefix}-${index}`}>
              <Typography
                component="h2"
                variant="overline"
                id={`${idPrefix}-${index}`}
                className={classes.groupHeading}
              >
                {group.label}
              </Typography>
              <List dense disablePadding>
                {group.conversations.map(conversation => (
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
            </section>
          ))}
          {props.hasMore && (
            <Button
              size="small"
              fullWidth
              onClick={loadMore}
              aria-busy={loadingMore}
            >
              {loadingMore ? 'Loading…' : 'Load older conversations'}
            </Button>
          )}
        </div>
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
