import { useCallback, useEffect, useRef } from 'react';

/**
 * When a new conversation's first answer ends, the backend names the conversation in the
 * background with one more model call, so the list read right at the end of the answer
 * usually still shows the fallback title. These re-reads pick the generated title up.
 */
const TITLE_REFRESH_DELAYS_MS = [1500, 4000, 10000];

/**
 * Returns a function that schedules `refresh` at each of the delays above; pending re-reads
 * are dropped when a new schedule starts or the page unmounts.
 */
export function useTitleRefresh(refresh: () => unknown): () => void {
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const clear = useCallback(() => {
    timers.current.forEach(clearTimeout);
    timers.current = [];
  }, []);
  useEffect(() => clear, [clear]);
  return useCallback(() => {
    clear();
    timers.current = TITLE_REFRESH_DELAYS_MS.map(delay =>
      setTimeout(refresh, delay),
    );
  }, [clear, refresh]);
}
