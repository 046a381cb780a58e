import { RefObject, useCallback, useEffect, useRef, useState } from 'react';

/**
 * Puts the keyboard focus in the message box on page load and whenever `focusComposer` is
 * called (after sending, stopping, starting or opening a conversation), so the next question
 * can be typed at once. The box is disabled while a conversation loads and cannot take focus
 * then: the request waits until it is enabled again, and so does a focus that disabling took
 * from it.
 */
export function useComposerFocus(
  input: RefObject<HTMLTextAreaElement>,
): () => void {
  // Starts pending: the first render asks for focus, as the page loads.
  const pending = useRef(true);
  const [, setRequest] = useState(0);

  useEffect(() => {
    const element = input.current;
    // Disabling the box (a conversation loading) drops its focus: it comes back after.
    if (
      element?.disabled &&
      (document.activeElement === element ||
        document.activeElement === document.body)
    ) {
      pending.current = true;
    }
    if (pending.current && element && !element.disabled) {
      pending.current = false;
      element.focus();
    }
  });

  return useCallback(() => {
    pending.current = true;
    setRequest(n => n + 1);
  }, []);
}
