import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileOrigins,
  InvalidOriginPattern,
  normalizeOriginPattern,
} from '../../server/modules/licenses/origins.js';

describe('compileOrigins: exact origins', () => {
  const matcher = compileOrigins(['https://portal.acme.test', 'http://localhost:8787']);

  it.each(['https://portal.acme.test', 'http://localhost:8787'])('matches %s', (origin) => {
    expect(matcher.matches(origin)).toBe(true);
  });

  it.each([
    ['another subdomain', 'https://www.acme.test'],
    ['the parent domain', 'https://acme.test'],
    ['a subdomain of the origin', 'https://x.portal.acme.test'],
    ['plain http', 'http://portal.acme.test'],
    ['another port', 'https://portal.acme.test:8443'],
    ['another localhost port', 'http://localhost:8788'],
    ['a suffix look-alike', 'https://portal.acme.test.evil.test'],
    ['a prefix look-alike', 'https://evilportal.acme.test'],
    ['credentials hiding the real host', 'https://portal.acme.test@evil.test'],
    ['a trailing dot', 'https://portal.acme.test.'],
    ['upper case', 'https://PORTAL.acme.test'],
    ['an explicit default port', 'https://portal.acme.test:443'],
    ['a trailing slash', 'https://portal.acme.test/'],
    ['a path', 'https://portal.acme.test/page'],
    ['the opaque origin', 'null'],
    ['an empty string', ''],
    ['garbage', 'portal.acme.test'],
  ])('refuses %s (%s)', (_why, origin) => {
    expect(matcher.matches(origin)).toBe(false);
  });

  it('never matches anything but the listed origin', () => {
    const single = compileOrigins(['https://portal.acme.test']);
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        const origin = new URL(url).origin;
        expect(single.matches(origin)).toBe(origin === 'https://portal.acme.test');
      }),
      { numRuns: 500 },
    );
  });

  it('compares stored patterns in normalized form', () => {
    const matcher = compileOrigins(['HTTPS://Portal.ACME.test:443']);
    expect(matcher.matches('https://portal.acme.test')).toBe(true);
  });

  it('allows nothing when the list is empty', () => {
    expect(compileOrigins([]).matches('https://portal.acme.test')).toBe(false);
  });
});

describe('compileOrigins: wildcard origins', () => {
  const matcher = compileOrigins(['https://*.acme.edu']);

  it.each(['https://sub.acme.edu', 'https://a.b.acme.edu', 'https://x-1.acme.edu'])(
    'matches %s',
    (origin) => {
      expect(matcher.matches(origin)).toBe(true);
    },
  );

  it.each([
    ['the bare domain', 'https://acme.edu'],
    ['plain http', 'http://sub.acme.edu'],
    ['another port', 'https://sub.acme.edu:8443'],
    ['a suffix look-alike', 'https://sub.acme.edu.evil.test'],
    ['a label ending in the domain', 'https://evilacme.edu'],
    ['credentials hiding the real host', 'https://sub.acme.edu@evil.test'],
    ['a trailing dot', 'https://sub.acme.edu.'],
    ['upper case', 'https://SUB.acme.edu'],
    ['an empty label', 'https://.acme.edu'],
  ])('refuses %s (%s)', (_why, origin) => {
    expect(matcher.matches(origin)).toBe(false);
  });

  it('keeps the port of the pattern', () => {
    const withPort = compileOrigins(['https://*.acme.edu:8443']);
    expect(withPort.matches('https://sub.acme.edu:8443')).toBe(true);
    expect(withPort.matches('https://sub.acme.edu')).toBe(false);
  });

  it('only ever matches hosts under the wildcard domain', () => {
    fc.assert(
      fc.property(fc.domain(), (host) => {
        const origin = `https://${host}`;
        fc.pre(new URL(origin).origin === origin);
        expect(matcher.matches(origin)).toBe(host.endsWith('.acme.edu'));
        expect(matcher.matches(`https://${host}.acme.edu`)).toBe(true);
        expect(matcher.matches(`https://sub.acme.edu.${host}`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('normalizeOriginPattern', () => {
  it.each([
    ['https://portal.acme.test', 'https://portal.acme.test'],
    ['HTTPS://Portal.ACME.test', 'https://portal.acme.test'],
    ['https://portal.acme.test:443', 'https://portal.acme.test'],
    ['http://localhost:80', 'http://localhost'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['https://*.acme.edu', 'https://*.acme.edu'],
    ['https://*.ACME.edu:443', 'https://*.acme.edu'],
    ['https://*.acme.edu:8443', 'https://*.acme.edu:8443'],
  ])('normalizes %s to %s', (pattern, normalized) => {
    expect(normalizeOriginPattern(pattern)).toBe(normalized);
  });

  it.each([
    ['*', /wildcard may only be the first label/],
    ['https://*', /wildcard may only be the first label/],
    ['https://a.*.acme.edu', /wildcard may only be the first label/],
    ['https://*.*.acme.edu', /wildcard may only be the first label/],
    ['https://*acme.edu', /wildcard may only be the first label/],
    ['acme.edu', /is not an origin/],
    ['https://', /is not an origin/],
    ['ftp://files.acme.edu', /only http and https/],
    ['javascript://acme.edu', /only http and https/],
    ['https://acme.edu/path', /no path, query or credentials/],
    ['https://acme.edu?x=1', /no path, query or credentials/],
    ['https://acme.edu#top', /no path, query or credentials/],
    ['https://user:pw@acme.edu', /no path, query or credentials/],
    ['https://acme.edu/', /no trailing slash/],
  ])('refuses %j with a reason', (pattern, reason) => {
    let thrown: unknown;
    try {
      normalizeOriginPattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOriginPattern);
    expect((thrown as Error).message).toMatch(reason);
    expect((thrown as Error).message).toContain(pattern);
  });
});
