import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import CloseIcon from '@material-ui/icons/Close';
import { makeStyles } from '@material-ui/core/styles';
import { entityName } from '../../lib/entityLink';
import { AiAssistantIcon } from '../AiAssistantIcon';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    padding: theme.spacing(0.5, 1, 0),
  },
}));

/**
 * Says which catalog entity the questions are about (the assistant favours its knowledge),
 * with a button to ask about everything again. A separate button rather than the chip's own
 * delete icon: that icon is not reachable by keyboard or named for screen readers.
 */
export function EntityContextChip(props: {
  entityRef: string;
  onClear: () => void;
}) {
  const classes = useStyles();
  const { entityRef, onClear } = props;
  const name = entityName(entityRef);
  return (
    <div className={classes.root}>
      <Chip
        icon={<AiAssistantIcon />}
        label={`About ${name}`}
        title={`Questions are about ${entityRef}`}
        variant="outlined"
        size="small"
      />
      <IconButton
        size="small"
        aria-label={`Stop asking about ${name}`}
        onClick={onClear}
      >
        <CloseIcon fontSize="small" />
      </IconButton>
    </div>
  );
}
