import type { IngestionRunInfo } from '@ai-assistant/backstage-plugin-ai-assistant-common';

/** A length of time as people say it: "4.8 s", "47 s", "3 min 12 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) {
    return `${seconds.toFixed(1)} s`;
  }
  if (seconds < 120) {
    return `${Math.round(seconds)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** How long ago, roughly: "just now", "12 min ago", "3 h ago", "2 days ago". */
export function formatAge(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** When a run started and how long it took, or has run so far. */
export function describeRun(
  run: IngestionRunInfo | undefined,
  now: number,
): string {
  if (!run) {
    return 'never';
  }
  const started = new Date(run.startedAt).toLocaleString();
  if (!run.finishedAt) {
    return `${started} (running for ${formatDuration(now - Date.parse(run.startedAt))})`;
  }
  return `${started} (${formatDuration(
    Date.parse(run.finishedAt) - Date.parse(run.startedAt),
  )})`;
}
