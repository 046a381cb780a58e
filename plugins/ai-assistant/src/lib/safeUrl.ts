/**
 * Returns the URL when a person may safely follow it: http(s) or a path within the app.
 * Source URLs come from ingested content and links from model output, so anything else
 * (`javascript:`, `data:`, ...) is not made clickable.
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) {
    return undefined;
  }
  if (url.startsWith('/') && !url.startsWith('//')) {
    return url;
  }
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
