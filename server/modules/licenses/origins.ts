import { parse } from 'tldts';

/**
 * Allowed-origin matching. Entries are exact origins (`https://portal.acme.test`,
 * `http://localhost:8787`) or a wildcard on the left-most labels (`https://*.acme.edu`),
 * which matches any subdomain of acme.edu on the same scheme and port but not acme.edu itself.
 * Comparison happens on parsed, normalized origins, so look-alikes such as
 * `https://portal.acme.test.evil.test` never match.
 */
export interface OriginMatcher {
  matches(origin: string): boolean;
}

interface Wildcard {
  protocol: string;
  port: string;
  suffix: string;
}

export class InvalidOriginPattern extends Error {}

/**
 * Whether anyone may register names directly under `host`: a public suffix of the Public
 * Suffix List, its private section included (`github.io`, `s3.amazonaws.com`: anyone gets a
 * name there), or a top-level name the list does not know (`localhost`, `test`), which tldts
 * treats as a suffix of its own.
 */
function isPublicSuffix(host: string): boolean {
  const { domain, publicSuffix } = parse(host, { allowPrivateDomains: true });
  return domain === null || publicSuffix === host;
}

/** Normalizes an origin pattern; throws {@link InvalidOriginPattern} with a reason. */
export function normalizeOriginPattern(pattern: string): string {
  const wildcard = pattern.includes('*');
  const probe = wildcard ? pattern.replace('://*.', '://wildcard-probe.') : pattern;
  if (wildcard && (!pattern.includes('://*.') || pattern.split('*').length !== 2)) {
    throw new InvalidOriginPattern(
      `"${pattern}": a wildcard may only be the first label, as in https://*.example.edu`,
    );
  }
  let url: URL;
  try {
    url = new URL(probe);
  } catch {
    throw new InvalidOriginPattern(
      `"${pattern}" is not an origin such as https://portal.example.edu`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidOriginPattern(`"${pattern}": only http and https origins are allowed`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new InvalidOriginPattern(`"${pattern}": an origin has no path, query or credentials`);
  }
  if (pattern.endsWith('/')) {
    throw new InvalidOriginPattern(`"${pattern}": an origin has no trailing slash`);
  }
  const base = wildcard ? url.hostname.slice('wildcard-probe.'.length) : '';
  if (wildcard && isPublicSuffix(base)) {
    throw new InvalidOriginPattern(
      `"${pattern}": ${base} is a public suffix, so the wildcard would allow every site ` +
        `registered under it; name your own domain, as in https://*.example.edu`,
    );
  }
  return wildcard ? url.origin.replace('://wildcard-probe.', '://*.') : url.origin;
}

export function compileOrigins(patterns: readonly string[]): OriginMatcher {
  const exact = new Set<string>();
  const wildcards: Wildcard[] = [];
  for (const pattern of patterns) {
    if (pattern.includes('://*.')) {
      const url = new URL(pattern.replace('://*.', '://wildcard-probe.'));
      wildcards.push({
        protocol: url.protocol,
        port: url.port,
        suffix: '.' + url.hostname.slice('wildcard-probe.'.length),
      });
    } else {
      exact.add(new URL(pattern).origin);
    }
  }
  return {
    matches(origin: string): boolean {
      // Entries are already normalized origins, so an exact hit needs no parsing.
      if (exact.has(origin)) return true;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false;
      }
      if (url.origin !== origin) return false;
      return wildcards.some(
        (w) =>
          url.protocol === w.protocol &&
          url.port === w.port &&
          url.hostname.endsWith(w.suffix) &&
          url.hostname.length > w.suffix.length,
      );
    },
  };
}
