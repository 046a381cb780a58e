const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/**
 * Headers that say how to read a request, never who sends it. Everything else a caller sets
 * (`Authorization`, Azure's `api-key`, a gateway's subscription key, cookies…) may be a credential.
 */
const NON_CREDENTIAL_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'content-language',
  'content-type',
  'user-agent',
]);

/** Headers describing a body, dropped with the body when a redirect turns a POST into a GET. */
const BODY_HEADERS = [
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-type',
];

/**
 * A fetch that follows redirects itself so that credentials never leave the origin of the
 * request: on a hop to another origin, and on every hop after it, only the headers in
 * `NON_CREDENTIAL_HEADERS` go along. The standard fetch drops only `Authorization` there and
 * would hand Azure's `api-key`, or any other key header, to whichever host a redirect names.
 * Methods change as in the standard: a 303, or a 301/302 after a POST, becomes a GET without
 * body. A caller asking for `redirect: 'manual'` or `'error'` gets the plain fetch.
 */
export function createOriginBoundFetch(
  inner: typeof fetch = globalThis.fetch,
): typeof fetch {
  return async (input, init) => {
    if (init?.redirect === 'manual' || init?.redirect === 'error') {
      return inner(input, init);
    }
    const request = input instanceof Request ? input : undefined;
    let url = new URL(request?.url ?? String(input));
    const origin = url.origin;
    let method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers ?? request?.headers);
    let body = init?.body ?? request?.body ?? null;

    for (let redirects = 0; ; redirects++) {
      const response = await inner(
        redirects === 0 ? input : url,
        redirects === 0
          ? { ...init, redirect: 'manual' }
          : { ...init, method, headers, body, redirect: 'manual' },
      );
      const location = response.headers.get('location');
      if (!REDIRECT_STATUS.has(response.status) || location === null) {
        return response;
      }
      await response.body?.cancel().catch(() => {});
      if (redirects >= MAX_REDIRECTS) {
        throw new TypeError(
          `more than ${MAX_REDIRECTS} redirects from ${origin}`,
        );
      }
      url = new URL(location, url);
      if (
        (response.status === 303 && method !== 'GET' && method !== 'HEAD') ||
        ((response.status === 301 || response.status === 302) &&
          method === 'POST')
      ) {
        method = 'GET';
        body = null;
        BODY_HEADERS.forEach(name => headers.delete(name));
      } else if (body !== null && !isReplayable(body)) {
        throw new TypeError(
          `cannot follow the ${response.status} redirect from ${origin}: the request body was a stream that cannot be sent again`,
        );
      }
      if (url.origin !== origin) {
        [...headers.keys()]
          .filter(name => !NON_CREDENTIAL_HEADERS.has(name))
          .forEach(name => headers.delete(name));
      }
    }
  };
}

function isReplayable(body: BodyInit): boolean {
  return !(
    body instanceof ReadableStream ||
    (typeof body === 'object' && Symbol.asyncIterator in body)
  );
}
