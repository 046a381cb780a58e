import type {
  RetrievalTestRequest,
  RetrievalTestResult,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { aiAssistantApiRef } from '../../api';
import { describeError } from '../../lib/describeError';
import { useCockpitNavigation } from '../Cockpit/CockpitNavigation';
import { RetrievalTestResults } from './RetrievalTestResults';

/** The cockpit view id of the retrieval test, for opening it from an answer. */
export const RETRIEVAL_TEST_VIEW = 'retrieval';

const useStyles = makeStyles(theme => ({
  form: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  question: { flex: '3 1 320px' },
  optional: { flex: '1 1 200px' },
  run: { marginTop: theme.spacing(1) },
}));

type State =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'failed'; message: string }
  | { kind: 'done'; result: RetrievalTestResult };

/**
 * The retrieval test ("why this answer"): type a question, optionally the entity it is about
 * and a user to see it as, and see what the chat's retrieval does with it, leg by leg, down
 * to the chunks the prompt gets. Opened from an answer, it replays that answer's retrieval.
 */
export function RetrievalTest() {
  const api = useApi(aiAssistantApiRef);
  const classes = useStyles();
  const replayOf = useCockpitNavigation()?.params.messageId;
  const [question, setQuestion] = useState('');
  const [entityRef, setEntityRef] = useState('');
  const [asUser, setAsUser] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const id = useId();

  const show = useCallback(async (run: () => Promise<RetrievalTestResult>) => {
    setState({ kind: 'running' });
    try {
      setState({ kind: 'done', result: await run() });
    } catch (error) {
      setState({ kind: 'failed', message: describeError(error).message });
    }
  }, []);

  useEffect(() => {
    if (!replayOf) return;
    show(async () => {
      const result = await api.replayRetrievalTest(replayOf);
      setQuestion(result.question);
      setEntityRef(result.entityRef ?? '');
      return result;
    });
  }, [api, replayOf, show]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const request: RetrievalTestRequest = {
      question,
      ...(entityRef.trim() && { entityRef: entityRef.trim() }),
      ...(asUser.trim() && { asUser: asUser.trim() }),
    };
    show(() => api.runRetrievalTest(request));
  };

  return (
    <section aria-labelledby="ai-assistant-retrieval-test-title">
      <Typography
        variant="h5"
        component="h2"
        id="ai-assistant-retrieval-test-title"
        gutterBottom
      >
        Retrieval test
      </Typography>
      <Typography variant="body2" color="textSecondary" paragraph>
        What the chat's retrieval finds for a question: the query each search
        leg saw, their candidates, the fused ranking, what the permission filter
        removed and the chunks the model would be given.
      </Typography>
      <form className={classes.form} onSubmit={onSubmit}>
        <TextField
          className={classes.question}
          id={`${id}-question`}
          label="Question"
          variant="outlined"
          size="small"
          required
          value={question}
          onChange={event => setQuestion(event.target.value)}
        />
        <TextField
          className={classes.optional}
          label="About entity (optional)"
          id={`${id}-entity`}
          placeholder="component:default/my-service"
          variant="outlined"
          size="small"
          value={entityRef}
          onChange={event => setEntityRef(event.target.value)}
        />
        <TextField
          className={classes.optional}
          label="As user (optional)"
          id={`${id}-user`}
          placeholder="user:default/jane"
          variant="outlined"
          size="small"
          value={asUser}
          onChange={event => setAsUser(event.target.value)}
          helperText="Another user's permissions: see the results' note"
        />
        <Button
          className={classes.run}
          type="submit"
          variant="contained"
          color="primary"
          disabled={state.kind === 'running' || question.trim() === ''}
        >
          Run test
        </Button>
      </form>
      {state.kind === 'running' && (
        <LinearProgress aria-label="Running the retrieval test" />
      )}
      {state.kind === 'failed' && (
        <Alert severity="error">
          The retrieval test failed: {state.message}
        </Alert>
      )}
      {state.kind === 'done' && <RetrievalTestResults result={state.result} />}
    </section>
  );
}
