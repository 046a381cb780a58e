import { useCallback, useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ENTITY_PARAM, QUESTION_PARAM } from '../lib/entityLink';

/**
 * The catalog entity the page's questions are about, from `?entity=` (set by the "Ask about
 * this entity" card). The entity stays in the URL, so every question of the conversation, and
 * a reload, keeps the context until the user clears it; a question in `?q=` is asked once and
 * then removed from the URL, so a reload does not ask it again.
 */
export function useEntityContext(ask: (question: string) => void): {
  entityRef?: string;
  clear: () => void;
} {
  const [searchParams, setSearchParams] = useSearchParams();
  const entityRef = searchParams.get(ENTITY_PARAM) || undefined;
  const question = searchParams.get(QUESTION_PARAM)?.trim();
  // React may run effects twice in development; the question must be asked once.
  const asked = useRef<string>();
  const askRef = useRef(ask);
  askRef.current = ask;

  useEffect(() => {
    if (!question || asked.current === question) {
      return;
    }
    asked.current = question;
    setSearchParams(
      params => {
        const next = new URLSearchParams(params);
        next.delete(QUESTION_PARAM);
        return next;
      },
      { replace: true },
    );
    askRef.current(question);
  }, [question, setSearchParams]);

  const clear = useCallback(
    () =>
      setSearchParams(
        params => {
          const next = new URLSearchParams(params);
          next.delete(ENTITY_PARAM);
          return next;
        },
        { replace: true },
      ),
    [setSearchParams],
  );
  return { entityRef, clear };
}
