import type { ComponentType } from 'react';
import { FeedbackReview } from '../FeedbackReview';
import { IngestionAdmin } from '../IngestionAdmin';
import { RetrievalTestPlaceholder, UsagePlaceholder } from './Placeholders';

/**
 * One admin view of the cockpit: a tab next to the chat, shown only to admins.
 */
export interface CockpitView {
  /** Stable id, used in the tab's and the panel's element ids. */
  id: string;
  /** The tab's label, as the admin reads it. */
  label: string;
  /** Rendered (mounted) only while its tab is selected. */
  Component: ComponentType;
}

/**
 * The cockpit's views in tab order. Each view is one line: replace its placeholder with the
 * real component when it lands.
 */
export const cockpitViews: readonly CockpitView[] = [
  { id: 'sources', label: 'Sources', Component: IngestionAdmin },
  {
    id: 'retrieval',
    label: 'Retrieval test',
    Component: RetrievalTestPlaceholder,
  },
  { id: 'usage', label: 'Usage', Component: UsagePlaceholder },
  { id: 'feedback', label: 'Feedback', Component: FeedbackReview },
];
