import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { aiAssistantApiRef } from '../../api';
import { AiAssistantIcon } from '../AiAssistantIcon';

const useStyles = makeStyles(theme => ({
  root: {
    flex: 1,
    // Scrolls inside the chat where it is taller (a phone), so the composer stays on screen;
    // `safe` keeps its top reachable then.
    minHeight: 0,
    overflowY: 'auto',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'safe center',
    textAlign: 'center',
    padding: theme.spacing(4, 2),
    gap: theme.spacing(1),
  },
  icon: {
    fontSize: 48,
    color: theme.palette.text.secondary,
  },
  examples: {
    display: 'flex',
    flexWrap: 'wrap',
    justifyContent: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(2),
  },
  // Questions read as sentences, not as shouted button labels.
  example: { textTransform: 'none' },
}));

/**
 * Questions that work against any catalog, shown until the server suggests some about what is
 * actually indexed (or when it cannot).
 */
const EXAMPLE_QUESTIONS = [
  'Which services does the catalog contain, and who owns them?',
  'How do I deploy a service?',
  'Where is the documentation for our APIs?',
  'Which systems depend on the most components?',
];

/** Props of {@link EmptyState}. */
export interface EmptyStateProps {
  onAsk: (question: string) => void;
  disabled?: boolean;
}

/** What a new conversation shows: what the assistant does and questions to start with. */
export function EmptyState(props: EmptyStateProps) {
  const classes = useStyles();
  const api = useApi(aiAssistantApiRef);
  const suggested = useAsync(() => api.getExampleQuestions(), [api]);
  const questions = suggested.value?.questions.length
    ? suggested.value.questions
    : EXAMPLE_QUESTIONS;
  return (
    <div className={classes.root}>
      <AiAssistantIcon className={classes.icon} aria-hidden />
      <Typography variant="h5" component="h2">
        Ask about your software
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Answers come from the catalog, docs and repositories, with numbered
        sources you can check.
      </Typography>
      <div
        className={classes.examples}
        role="group"
        aria-label="Example questions"
      >
        {questions.map(question => (
          <Button
            key={question}
            variant="outlined"
            size="small"
            className={classes.example}
            disabled={props.disabled}
            onClick={() => props.onAsk(question)}
          >
            {question}
          </Button>
        ))}
      </div>
    </div>
  );
}
