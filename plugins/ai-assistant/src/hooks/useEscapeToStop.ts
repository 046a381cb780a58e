import { RefObject, useEffect } from 'react';

// Escape inside these belongs to them (a dialog, a menu, the history drawer close on it).
const OWNS_ESCAPE =
  '[role="dialog"], [role="presentation"], [aria-modal="true"]';

/**
 * While `streaming`, Escape anywhere on the page stops the answer, as the stop button does,
 * so keyboard users need not tab to it. Escape in an open dialog, menu or drawer only closes
 * that; and a chat hidden behind another tab (the ingestion view) is left alone.
 */
export function useEscapeToStop(
  streaming: boolean,
  onStop: () => void,
  chatElement: RefObject<HTMLElement>,
) {
  useEffect(() => {
    if (!streaming) {
      return undefined;
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) {
        return;
      }
      const target = event.target instanceof Element ? event.target : null;
      if (
        target?.closest(OWNS_ESCAPE) ||
        chatElement.current?.closest('[hidden]')
      ) {
        return;
      }
      onStop();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [streaming, onStop, chatElement]);
}
