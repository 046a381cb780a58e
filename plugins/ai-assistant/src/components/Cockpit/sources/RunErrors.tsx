import type { IngestionRunInfo } from '@ai-assistant/backstage-plugin-ai-assistant-common';
import Typography from '@material-ui/core/Typography';

// Skipped documents listed per source; the rest are counted.
const SHOWN_DOCUMENT_ERRORS = 5;

/**
 * A run's own error, then the documents it skipped and why (a run can succeed with some).
 */
export function RunErrors(props: {
  run: IngestionRunInfo | undefined;
  listClass: string;
}) {
  const { run } = props;
  const failed = run?.documentsFailed ?? 0;
  if (!run?.error && failed === 0) {
    return <>none</>;
  }
  const shown = (run?.documentErrors ?? []).slice(0, SHOWN_DOCUMENT_ERRORS);
  const label = `${failed} document${failed === 1 ? '' : 's'} skipped`;
  return (
    <>
      {run?.error}
      {failed > 0 && (
        <>
          <Typography variant="body2" component="div">
            {label}
          </Typography>
          <ul aria-label={label} className={props.listClass}>
            {shown.map(item => (
              <li key={item.documentId}>
                {item.documentId}: {item.error}
              </li>
            ))}
            {failed > shown.length && <li>and {failed - shown.length} more</li>}
          </ul>
        </>
      )}
    </>
  );
}
