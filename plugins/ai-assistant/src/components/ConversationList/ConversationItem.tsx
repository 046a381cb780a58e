import type { ConversationSummary } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import IconButton from '@material-ui/core/IconButton';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import CheckIcon from '@material-ui/icons/Check';
import CloseIcon from '@material-ui/icons/Close';
import DeleteIcon from '@material-ui/icons/DeleteOutline';
import EditIcon from '@material-ui/icons/Edit';
import { KeyboardEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../../lib/describeError';

const useStyles = makeStyles(theme => ({
  // Room for the two action buttons, which sit beside (not inside) the item's button.
  item: {
    paddingRight: theme.spacing(10),
    borderRadius: theme.shape.borderRadius,
    // Material's default marks keyboard focus with the same background as the selected row;
    // a keyboard user must tell "where I am" from "what is open".
    '&$focusVisible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: -2,
      backgroundColor: theme.palette.action.hover,
    },
    '&$selected': {
      boxShadow: `inset 4px 0 0 ${theme.palette.primary.main}`,
    },
  },
  focusVisible: {},
  selected: {},
  rename: {
    display: 'flex',
    alignItems: 'center',
    padding: theme.spacing(0.5, 1),
  },
}));

/** A conversation's title as shown; new conversations are titled by the server. */
export function titleOf(conversation: ConversationSummary): string {
  return conversation.title?.trim() || 'Untitled conversation';
}

/** Props of {@link ConversationItem}. */
export interface ConversationItemProps {
  conversation: ConversationSummary;
  selected: boolean;
  onSelect: () => void;
  onRename: (title: string) => Promise<void>;
  onDelete: () => void;
}

/** One conversation in the list: open it, rename it in place, or delete it. */
export function ConversationItem(props: ConversationItemProps) {
  const { conversation, selected, onSelect, onRename, onDelete } = props;
  const classes = useStyles();
  const title = titleOf(conversation);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(title);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);

  // The user asked to rename: move focus to the field that appeared in place of the title.
  useEffect(() => {
    if (editing) {
      input.current?.focus();
    }
  }, [editing]);

  const save = async () => {
    const next = draft.trim();
    if (!next || next === title) {
      setEditing(false);
      return;
    }
    try {
      await onRename(next);
      setEditing(false);
      setError(undefined);
    } catch (e) {
      setError(describeError(e).message);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      save();
    } else if (event.key === 'Escape') {
      setEditing(false);
    }
  };

  if (editing) {
    return (
      <li className={classes.rename}>
        <TextField
          value={draft}
          onChange={event => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          inputRef={input}
          size="small"
          fullWidth
          error={error !== undefined}
          helperText={error}
          inputProps={{ 'aria-label': 'Conversation title', maxLength: 200 }}
        />
        <IconButton size="small" aria-label="Save title" onClick={save}>
          <CheckIcon fontSize="small" />
        </IconButton>
        <IconButton
          size="small"
          aria-label="Cancel renaming"
          onClick={() => setEditing(false)}
        >
          <CloseIcon fontSize="small" />
        </IconButton>
      </li>
    );
  }

  // The list is narrow and cuts long titles: the tooltip shows the whole title on hover and on
  // keyboard focus, beside the list so it hides no other row.
  return (
    <Tooltip title={title} enterDelay={300} placement="right">
      <ListItem
        button
        selected={selected}
        onClick={onSelect}
        classes={{
          root: classes.item,
          focusVisible: classes.focusVisible,
          selected: classes.selected,
        }}
        aria-current={selected ? 'true' : undefined}
      >
        <ListItemText
          primary={title}
          primaryTypographyProps={{ noWrap: true }}
          secondary={new Date(conversation.updatedAt).toLocaleString()}
        />
        <ListItemSecondaryAction>
          <IconButton
            size="small"
            aria-label={`Rename conversation ${title}`}
            onClick={() => {
              setDraft(title);
              setEditing(true);
            }}
          >
            <EditIcon fontSize="small" />
          </IconButton>
          <IconButton
            size="small"
            aria-label={`Delete conversation ${title}`}
            onClick={onDelete}
          >
            <DeleteIcon fontSize="small" />
          </IconButton>
        </ListItemSecondaryAction>
      </ListItem>
    </Tooltip>
  );
}
