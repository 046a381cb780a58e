import { createContext, useContext } from 'react';

/**
 * Lets the chat open a cockpit view, e.g. an answer's "Why this answer?" opening the
 * retrieval test for that answer. Provided by the cockpit frame to admins only.
 */
export interface CockpitNavigation {
  /** Selects the view `viewId` with `params` for it (they replace the previous ones). */
  open(viewId: string, params?: Record<string, string>): void;
  /** What the last `open` passed, for the view it opened. */
  params: Record<string, string>;
}

const CockpitNavigationContext = createContext<CockpitNavigation | undefined>(
  undefined,
);

/** Provides {@link CockpitNavigation}; `undefined` for users who see no cockpit. */
export const CockpitNavigationProvider = CockpitNavigationContext.Provider;

/** The cockpit's navigation, or undefined outside the cockpit or for non-admins. */
export function useCockpitNavigation(): CockpitNavigation | undefined {
  return useContext(CockpitNavigationContext);
}
