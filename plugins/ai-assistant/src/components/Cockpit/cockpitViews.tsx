import type { ComponentType } from 'react';
import { FeedbackReview } from '../FeedbackReview';
import { RETRIEVAL_TEST_VIEW, RetrievalTest } from '../RetrievalTest';
import { UsageView } from '../Usage';
import { SourcesView } from './sources';

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
 * The cockpit's views in tab order, one line each.
 */
export const cockpitViews: readonly CockpitView[] = [
  { id: 'sources', label: 'Sources', Component: SourcesView },
  {
    id: RETRIEVAL_TEST_VIEW,
    label: 'Retrieval test',
    Component: RetrievalTest,
  },
  { id: 'usage', label: 'Usage', Component: UsageView },
  { id: 'feedback', label: 'Feedback', Component: FeedbackReview },
];
