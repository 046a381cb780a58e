import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useChat } from '../../hooks/useChat';
import { useConversations } from '../../hooks/useConversations';
import { useModels } from '../../hooks/useModels';
import { useTitleRefresh } from '../../hooks/useTitleRefresh';
import { Composer } from '../Composer';
import { ConversationList } from '../ConversationList';
import { EmptyState } from '../EmptyState';
import { MessageList } from '../MessageList';
import { ModelPicker } from '../ModelPicker';

// The open conversation lives in the URL, so a reload or a shared link resumes it.
const CONVERSATION_PARAM = 'conversation';

const useStyles = makeStyles(theme => ({
  // Tall enough to read an answer, short enough that the composer stays on screen.
  chat: {
    display: 'flex',
    flexDirection: 'column',
    height: 'calc(100vh - 260px)',
    minHeight: 420,
  },
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    minHeight: 56,
    padding: theme.spacing(1, 2),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  sidebar: {
    height: 'calc(100vh - 260px)',
    minHeight: 420,
  },
}));

/** The chat: conversations on the side, the open conversation and the message box. */
export function ChatPage() {
  const classes = useStyles();
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = searchParams.get(CONVERSATION_PARAM) ?? undefined;
  const conversations = useConversations();
  const { refresh } = conversations;
  const models = useModels();
  const [modelId, setModelId] = useState<string>();

  const selectInUrl = useCallback(
    (id: string | undefined) =>
      setSearchParams(
        params => {
          const next = new URLSearchParams(params);
          if (id) {
            next.set(CONVERSATION_PARAM, id);
          } else {
            next.delete(CONVERSATION_PARAM);
          }
          return next;
        },
        { replace: true },
      ),
    [setSearchParams],
  );

  const refreshForTitle = useTitleRefresh(refresh);
  // Set when the answer being streamed started a new conversation (the backend names those).
  const startedNew = useRef(false);

  const chat = useChat({
    onConversation: id => {
      startedNew.current = id !== selectedId;
      selectInUrl(id);
      refresh();
    },
    onSettled: () => {
      refresh();
      if (startedNew.current) {
        refreshForTitle();
      }
    },
  });
  const { load, reset, currentConversationId } = chat;

  // Follows the URL: on first render (resume after reload) and on back/forward.
  useEffect(() => {
    if (selectedId && selectedId !== currentConversationId()) {
      load(selectedId);
    } else if (!selectedId && currentConversationId()) {
      reset();
    }
  }, [selectedId, load, reset, currentConversationId]);

  const startNew = () => {
    reset();
    selectInUrl(undefined);
  };

  const ask = (question: string) =>
    chat.send(question, modelId ?? models.defaultModelId);

  const remove = async (id: string) => {
    await conversations.remove(id);
    if (id === currentConversationId()) {
      startNew();
    }
  };

  const removeAll = async () => {
    await conversations.removeAll();
    startNew();
  };

  const empty = chat.messages.length === 0 && !chat.loading;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={3} className={classes.sidebar}>
        <ConversationList
          conversations={conversations.conversations}
          error={conversations.error}
          hasMore={conversations.hasMore}
          selectedId={chat.conversationId ?? selectedId}
          onSelect={id => selectInUrl(id)}
          onNew={startNew}
          onRename={conversations.rename}
          onDelete={remove}
          onDeleteAll={removeAll}
          onLoadMore={conversations.loadMore}
          onRetry={refresh}
        />
      </Grid>
      <Grid item xs={12} md={9}>
        <Paper variant="outlined" className={classes.chat}>
          <div className={classes.toolbar}>
            <ModelPicker
              models={models.models}
              value={modelId ?? models.defaultModelId}
              onChange={setModelId}
              loading={models.loading}
              error={models.error}
              disabled={chat.streaming}
            />
          </div>
          {chat.loading && (
            <LinearProgress aria-label="Loading the conversation" />
          )}
          {chat.loadError && (
            <Alert severity="error">
              Could not open the conversation: {chat.loadError.message}
            </Alert>
          )}
          {empty ? (
            <EmptyState onAsk={ask} disabled={chat.streaming} />
          ) : (
            <MessageList
              messages={chat.messages}
              streaming={chat.streaming}
              onRate={chat.rate}
              hasOlderMessages={chat.hasOlderMessages}
              onLoadOlder={chat.loadOlder}
              loadingOlder={chat.loadingOlder}
            />
          )}
          <Composer
            streaming={chat.streaming}
            onSend={ask}
            onStop={chat.stop}
            disabled={chat.loading}
          />
        </Paper>
      </Grid>
    </Grid>
  );
}
