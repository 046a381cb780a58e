import type { ConversationSummary } from '@ai-assistant/backstage-plugin-ai-assistant-common';

/** Conversations last active in one period, as the list shows them under a heading. */
export interface DateGroup {
  label: string;
  conversations: ConversationSummary[];
}

/**
 * Splits conversations (most recently active first) into Today, Yesterday, Previous 7 days,
 * Previous 30 days and Older, by the viewer's calendar days. Empty periods are left out; a time
 * ahead of `now` (a server clock ahead of the browser's) counts as today.
 */
export function groupByDate(
  conversations: ConversationSummary[],
  now: Date = new Date(),
): DateGroup[] {
  // Calendar days, not multiples of 24 hours, so "Yesterday" starts at midnight even across
  // a daylight saving change.
  const daysAgo = (days: number) =>
    new Date(now.getFullYear(), now.getMonth(), now.getDate() - days).getTime();
  const periods = [
    { label: 'Today', from: daysAgo(0) },
    { label: 'Yesterday', from: daysAgo(1) },
    { label: 'Previous 7 days', from: daysAgo(7) },
    { label: 'Previous 30 days', from: daysAgo(30) },
    { label: 'Older', from: -Infinity },
  ];
  const groups: DateGroup[] = periods.map(p => ({
    label: p.label,
    conversations: [],
  }));
  for (const conversation of conversations) {
    const time = new Date(conversation.updatedAt).getTime();
    const index = periods.findIndex(p => time >= p.from);
    groups[index === -1 ? periods.length - 1 : index].conversations.push(
      conversation,
    );
  }
  return groups.filter(group => group.conversations.length > 0);
}
