import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import FileCopyOutlinedIcon from '@material-ui/icons/FileCopyOutlined';
import { useEffect, useRef, useState } from 'react';
import { useStatusTextStyles } from '../../lib/readableColor';

// Long enough to read, short enough that a second copy shows its own confirmation.
const CONFIRMATION_MS = 2000;

/** Props of {@link CopyButton}. */
export interface CopyButtonProps {
  /** What lands on the clipboard. */
  text: string;
  /** The button's accessible name, e.g. "Copy answer". */
  label: string;
  className?: string;
}

/**
 * Copies text with the browser's asynchronous clipboard API and says "Copied" for a moment,
 * or "Copy failed" when the browser refuses (no permission, insecure page).
 */
export function CopyButton(props: CopyButtonProps) {
  const { text, label, className } = props;
  const [outcome, setOutcome] = useState<'copied' | 'failed'>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const status = useStatusTextStyles();

  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    let result: 'copied' | 'failed' = 'copied';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      result = 'failed';
    }
    setOutcome(result);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setOutcome(undefined), CONFIRMATION_MS);
  };

  // The confirmation sits outside the button: a button's content is not announced live.
  return (
    <span className={className}>
      <Button
        size="small"
        aria-label={label}
        onClick={copy}
        startIcon={<FileCopyOutlinedIcon fontSize="small" />}
      >
        Copy
      </Button>
      <Typography
        component="span"
        variant="caption"
        role="status"
        color={outcome === 'failed' ? 'inherit' : 'textSecondary'}
        className={outcome === 'failed' ? status.error : undefined}
      >
        {outcome === 'copied' && 'Copied'}
        {outcome === 'failed' && 'Copy failed'}
      </Typography>
    </span>
  );
}
