/**
 * A document's URL pointing at a chunk's section (`#anchor`), so that a citation opens the
 * part of the page it quotes; a URL that already names a fragment (a TechDocs section) is
 * kept as it is.
 */
export function sectionUrl(url: string, anchor?: string): string {
  return anchor && !url.includes('#')
    ? `${url}#${encodeURIComponent(anchor)}`
    : url;
}
