import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { MessageError as MessageErrorValue } from '../../hooks/chatReducer';

const TITLES: Partial<Record<NonNullable<MessageErrorValue['code']>, string>> =
  {
    no_model_provider: 'No chat model is configured',
    models_unavailable: 'No model could answer',
    model_error: 'The model failed while answering',
    rate_limited: 'Too many requests',
    budget_exceeded: 'Daily token budget used up',
    incomplete: 'The answer was cut off',
  };

/**
 * Why an answer failed. When no model can answer, the sources were still found, so the
 * message is a warning above them rather than a dead end.
 */
export function MessageError(props: { error: MessageErrorValue }) {
  const { error } = props;
  const severity =
    error.code === 'no_model_provider' ||
    error.code === 'models_unavailable' ||
    error.code === 'rate_limited' ||
    error.code === 'budget_exceeded'
      ? 'warning'
      : 'error';
  return (
    <Alert severity={severity} role="alert">
      <AlertTitle>
        {TITLES[error.code ?? 'request_failed'] ??
          'The assistant could not answer'}
      </AlertTitle>
      {error.message}
    </Alert>
  );
}
