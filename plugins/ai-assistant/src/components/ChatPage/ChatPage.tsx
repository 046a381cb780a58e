import Drawer from '@material-ui/core/Drawer';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import HistoryIcon from '@material-ui/icons/History';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { SendOptions, useChat } from '../../hooks/useChat';
import { useEntityContext } from '../../hooks/useEntityContext';
import { EntityContextChip } from '../EntityContextChip';
import { useComposerFocus } from '../../hooks/useComposerFocus';
import { useConversations } from '../../hooks/useConversations';
import { useEscapeToStop } from '../../hooks/useEscapeToStop';
import { useModels } from '../../hooks/useModels';
import { useTitleRefresh } from '../../hooks/useTitleRefresh';
import { Composer } from '../Composer';
import { ConversationList } from '../ConversationList';
import { EmptyState } from '../EmptyState';
import { MessageList } from '../MessageList';
import { ModelPicker } from '../ModelPicker';
import { ModelReachabilityNotice } from '../ModelReachabilityNotice';

// The open conversation lives in the URL, so a reload or a shared link resumes it.
const CONVERSATION_PARAM = 'conversation';

const useStyles = makeStyles(theme => ({
  // Tall enough to read an answer, short enough that the composer stays on screen.
  chat: {
    display: 'flex',
    flexDirection: 'column',
    height: 'calc(100vh - 260px)',
    minHeight: 420,
    // On a phone the page header is tall: a shorter chat keeps the composer on the first screen.
    [theme.breakpoints.down('sm')]: {
      height: 'calc(100vh - 330px)',
      minHeight: 300,
    },
  },
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    minHeight: 56,
    padding: theme.spacing(1, 2),
    borderBottom: `1px solid ${theme.palette.divider}`,
    gap: theme.spacing(1),
  },
  drawer: {
    width: 'min(320px, 85vw)',
    padding: theme.spacing(2, 1),
  },
  sendError: {
    margin: theme.spacing(1, 2, 0),
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
  // The question being written. The page owns it so that a question that could not be sent,
  // or one the user wants to edit, comes back into the composer.
  const [draft, setDraft] = useState('');
  const composerInput = useRef<HTMLTextAreaElement>(null);
  const focusComposer = useComposerFocus(composerInput);
  // Narrower than a tablet the history is a drawer, so the chat gets the whole width.
  const compact = useMediaQuery(useTheme().breakpoints.down('sm'));
  const [historyOpen, setHistoryOpen] = useState(false);

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
    // Only into an empty composer: never over what the user started typing meanwhile.
    onUnanswered: question => setDraft(text => (text === '' ? question : text)),
    maxMessageLength: models.maxMessageLength,
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
    focusComposer();
  };

  const stop = () => {
    chat.stop();
    focusComposer();
  };
  useEscapeToStop(chat.streaming, stop, composerInput);

  const closeHistory = () => {
    setHistoryOpen(false);
    focusComposer();
  };

  // From an entity page's "Ask" card: every question is about that entity until cleared.
  // The card's question is sent once the context is known, so `ask` is defined after it.
  // eslint-disable-next-line @typescript-eslint/no-use-before-define
  const entityContext = useEntityContext(question => ask(question));
  const ask = (question: string, options?: SendOptions) =>
    chat.send(question, modelId ?? models.defaultModelId, {
      ...options,
      entityRef: entityContext.entityRef,
    });

  const sendDraft = (question: string) => {
    setDraft('');
    ask(question);
    focusComposer();
  };

  const edit = (question: string) => {
    setDraft(question);
    composerInput.current?.focus();
  };

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
  const history = (
    <ConversationList
      conversations={conversations.conversations}
      error={conversations.error}
      hasMore={conversations.hasMore}
      selectedId={chat.conversationId ?? selectedId}
      onSelect={id => {
        selectInUrl(id);
        closeHistory();
      }}
      onNew={() => {
        startNew();
        setHistoryOpen(false);
      }}
      onRename={conversations.rename}
      onDelete={remove}
      onDeleteAll={removeAll}
      onLoadMore={conversations.loadMore}
      onSearch={conversations.search}
      onRetry={refresh}
    />
  );
  return (
    <Grid container spacing={2}>
      {compact ? (
        // Closing puts the focus in the composer, not back on the button that opened it.
        <Drawer
          open={historyOpen}
          onClose={closeHistory}
          ModalProps={{ disableRestoreFocus: true }}
          classes={{ paper: classes.drawer }}
        >
          {history}
        </Drawer>
      ) : (
        <Grid item xs={12} md={3} className={classes.sidebar}>
          {history}
        </Grid>
      )}
      <Grid item xs={12} md={9}>
        <Paper variant="outlined" className={classes.chat}>
          <div className={classes.toolbar}>
            {compact && (
              <IconButton
                aria-label="Conversations"
                onClick={() => setHistoryOpen(true)}
              >
                <HistoryIcon />
              </IconButton>
            )}
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
              onAskAgain={ask}
              onEdit={edit}
              onDecide={chat.decide}
              hasOlderMessages={chat.hasOlderMessages}
              onLoadOlder={chat.loadOlder}
              loadingOlder={chat.loadingOlder}
            />
          )}
          {chat.sendError && (
            <Alert
              severity="error"
              role="alert"
              className={classes.sendError}
              onClose={chat.dismissSendError}
            >
              <AlertTitle>Your question was not sent</AlertTitle>
              {chat.sendError.message} It is still in the message box.
            </Alert>
          )}
          <ModelReachabilityNotice
            models={models.models}
            modelId={modelId ?? models.defaultModelId}
          />
          {entityContext.entityRef && (
            <EntityContextChip
              entityRef={entityContext.entityRef}
              onClear={entityContext.clear}
            />
          )}
          <Composer
            value={draft}
            onChange={setDraft}
            maxLength={models.maxMessageLength}
            inputRef={composerInput}
            streaming={chat.streaming}
            onSend={sendDraft}
            onStop={stop}
            disabled={chat.loading}
          />
        </Paper>
      </Grid>
    </Grid>
  );
}
