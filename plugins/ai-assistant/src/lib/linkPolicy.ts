import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';

/** Where the admin lists the hosts links in answers may point to; see `config.d.ts`. */
export const LINK_ALLOW_LIST_KEY = 'aiAssistant.chat.linkAllowList';

/**
 * Decides which URLs in an answer are clickable. The model writes the links, and text it
 * retrieved may tell it to put conversation data into a URL's query: one click would then send
 * that data to whoever owns the host. So only hosts the answer's own sources live on, and the
 * admin's allow-list, get a link; in-app paths (`/catalog/...`) always do. Entries of the
 * allow-list are host names, or `*.example.com` for every subdomain of `example.com`.
 */
export function createLinkPolicy(
  sources: AiAssistantSource[],
  allowList: string[],
): (url: string) => boolean {
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of allowList.map(host => host.trim().toLowerCase())) {
    if (entry.startsWith('*.')) {
      suffixes.push(entry.slice(1));
    } else if (entry) {
      hosts.add(entry);
    }
  }
  for (const source of sources) {
    const host = hostOf(source.url);
    if (host) {
      hosts.add(host);
    }
  }
  return url => {
    if (url.startsWith('/') && !url.startsWith('//')) {
      return true;
    }
    const host = hostOf(url);
    return (
      host !== undefined &&
      (hosts.has(host) || suffixes.some(suffix => host.endsWith(suffix)))
    );
  };
}

/**
 * How an unclickable URL is shown: its origin, so the reader sees where it would go, without
 * the path and query that may carry the data.
 */
export function describeUnlinkedUrl(url: string): string {
  const parsed = new URL(url);
  const bare = parsed.pathname === '/' && !parsed.search && !parsed.hash;
  return bare ? parsed.origin : `${parsed.origin}/…`;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) {
    return undefined;
  }
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}
