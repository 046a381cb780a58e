// Words joined by separators or written in camelCase: flags, dotted config keys, env vars,
// hyphenated names, paths, annotations (`--dns01-recursive-nameservers`, `spec.acme.solvers`,
// `AWS_ACCESS_KEY_ID`, `cert-manager.io/issuer-name`, `waitInsteadOfSelfCheck`).
// Tokens are found first and tested after, with patterns that never backtrack over a long
// run: text comes from ingested files, and a pattern quadratic in a token's length would
// stall the backend on one adversarial file.
const TOKEN = /[A-Za-z0-9._\-/:]+/g;
const JOINED = /[A-Za-z0-9][._\-/:]+[A-Za-z0-9]/;
const CAMEL = /[a-z0-9][A-Z]/;
// Longer tokens are data (hashes, base64), not identifiers anyone types.
const MAX_IDENTIFIER = 200;
const SEPARATORS = /[._\-/:]+/;
const WORD_PARTS = /[._\-/:]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;

/**
 * The text Postgres full-text search indexes for a chunk or parses for a question: the text
 * itself, then, for every identifier in it, its words one by one and its joined forms.
 *
 * Postgres' parser keeps `spec.acme.solvers` whole (as a host name) and cuts
 * `AWS_ACCESS_KEY_ID` into words, so neither matches the other way of writing it. Adding the
 * parts makes the words findable, and adding the identifier with its separators removed
 * (`specacmesolvers`, `awsaccesskeyid`, and each `-`/`_` part such as `issuername`) makes the
 * exact identifier a single rare term that matches however it was typed. Questions and
 * chunks go through the same function, so both sides always agree.
 */
export function keywordText(text: string): string {
  const extra: string[] = [];
  for (const [token] of text.matchAll(TOKEN)) {
    if (token.length > MAX_IDENTIFIER) continue;
    const identifier = token
      .replace(/^[._\-/:]+/, '')
      .replace(/[._\-/:]+$/, '');
    if (!JOINED.test(identifier) && !CAMEL.test(identifier)) continue;
    const words = identifier.split(WORD_PARTS).filter(Boolean);
    if (words.length < 2) continue;
    extra.push(words.join(' '), joined(identifier));
    for (const segment of identifier.split(/[./:]+/)) {
      if (SEPARATORS.test(segment) && segment !== identifier) {
        extra.push(joined(segment));
      }
    }
  }
  return extra.length === 0 ? text : `${text}\n${extra.join(' ')}`;
}

function joined(identifier: string): string {
  return identifier.replace(/[._\-/:]+/g, '').toLowerCase();
}
