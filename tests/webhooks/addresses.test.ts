import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressAllowed,
  classifyAddress,
  classifyHost,
  specialPurposeIPv4,
  specialPurposeIPv6,
} from '../../server/modules/webhooks/addresses.js';
import { AddressNotAllowed, vettedLookup } from '../../server/modules/webhooks/transport.js';

const v4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => (n >> s) & 255n).join('.');
const v6 = (n: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(
    ':',
  );
const v4Number = (a: string) => a.split('.').reduce((n, x) => (n << 8n) + BigInt(x), 0n);
const v6Number = (a: string) => {
  const url = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  const [head = '', tail] = url.split('::');
  const parts = (t: string) => (t ? t.split(':') : []);
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n);
};

/** The first and last address of a block. */
function bounds(cidr: string, bits: 32 | 128): [bigint, bigint] {
  const [address, prefix] = cidr.split('/') as [string, string];
  const base = bits === 32 ? v4Number(address) : v6Number(address);
  const size = 1n << BigInt(bits - Number(prefix));
  return [base, base + size - 1n];
}

describe('the special-purpose registries', () => {
  it.each(specialPurposeIPv4.map((r) => [r.cidr, r.name]))(
    'refuses %s (%s) from its first to its last address',
    (cidr) => {
      const [first, last] = bounds(cidr, 32);
      for (const n of [first, last, (first + last) / 2n]) {
        const address = v4(n);
        expect(addressAllowed(address, false), address).toBe(false);
      }
    },
  );

  it.each(specialPurposeIPv6.filter((r) => r.handling === 'block').map((r) => [r.cidr, r.name]))(
    'refuses %s (%s) from its first to its last address',
    (cidr) => {
      const [first, last] = bounds(cidr, 128);
      for (const n of [first, last, (first + last) / 2n]) {
        const address = v6(n);
        expect(addressAllowed(address, false), address).toBe(false);
      }
    },
  );

  it.each([
    // The neighbours of IPv4 blocks.
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '191.255.255.255',
    '192.0.1.0',
    '192.0.3.0',
    '192.88.98.255',
    '192.88.100.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '203.0.112.255',
    '203.0.114.0',
    '223.255.255.255',
    // Global unicast IPv6 and the neighbours of its special blocks.
    '2606:4700:4700::1111',
    '2001:200::1',
    '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
    '2001:db9::',
    '2003::1',
    '3ffe:ffff::1',
    // IPv4 inside: mapped, NAT64 (64:ff9b::/96), 6to4, all of a public address.
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(classifyAddress(address)).toBe('public');
  });

  it.each([
    ['::ffff:10.0.0.1', 'refused'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'refused'],
    ['64:ff9b::a00:1', 'refused'],
    ['64:ff9b::c0a8:101', 'refused'],
    ['2002:7f00:1::', 'refused'],
    ['2002:a9fe:a9fe::1', 'refused'],
    ['2002:e000:1::1', 'refused'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.255', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1%eth0', 'refused'],
    ['not an address', 'refused'],
    ['', 'refused'],
  ])('classifies %s as %s', (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });

  it('opens loopback only, and only when allowed', () => {
    expect(addressAllowed('127.0.0.1', false)).toBe(false);
    expect(addressAllowed('127.0.0.1', true)).toBe(true);
    expect(addressAllowed('::1', true)).toBe(true);
    expect(addressAllowed('::ffff:127.0.0.1', true)).toBe(true);
    // A translator's or relay's 127.0.0.1 is the translator's, not this machine's.
    expect(addressAllowed('64:ff9b::7f00:1', true)).toBe(false);
    expect(addressAllowed('2002:7f00:1::', true)).toBe(false);
    for (const other of ['0.0.0.0', '10.0.0.1', '169.254.169.254', '::', 'fe80::1', 'fc00::1']) {
      expect(addressAllowed(other, true), other).toBe(false);
    }
  });

  it('allows an IPv4 address exactly when no IPv4 block holds it', () => {
    const blocks = specialPurposeIPv4.map((r) => bounds(r.cidr, 32));
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const n = v4Number(address);
        const special = blocks.some(([first, last]) => n >= first && n <= last);
        expect(addressAllowed(address, false)).toBe(!special);
        // Mapped into IPv6, the same verdict.
        expect(addressAllowed(`::ffff:${address}`, false)).toBe(!special);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('classifyHost', () => {
  it.each([
    ['lms.example.edu', 'public'],
    ['hooks.acme.github.io', 'public'],
    ['xn--80ak6aa92e.xn--p1ai', 'public'],
    ['localhost', 'loopback'],
    ['localhost.', 'loopback'],
    ['api.localhost', 'loopback'],
    ['metadata.google.internal', 'internal'],
    ['metadata', 'internal'],
    ['kubernetes.default.svc', 'internal'],
    ['printer.local', 'internal'],
    ['router.home.arpa', 'internal'],
    ['hidden.onion', 'internal'],
    ['127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['[fd00::1]', 'refused'],
    ['10.1.2.3', 'refused'],
  ])('%s is %s', (hostname, verdict) => {
    expect(classifyHost(hostname)).toBe(verdict);
  });
});

describe('vettedLookup', () => {
  const lookupOf = (addresses: string[], allowLoopback = false) =>
    vettedLookup(
      () =>
        Promise.resolve(
          addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        ),
      allowLoopback,
    );
  const call = (
    lookup: ReturnType<typeof vettedLookup>,
    options: { all?: boolean; family?: number },
  ) =>
    new Promise<{ error: unknown; address: unknown; family: unknown }>((resolve) =>
      lookup('partner.example.com', options, (error, address, family) =>
        resolve({ error, address, family }),
      ),
    );

  it('answers one checked address, or all, in the form asked for', async () => {
    const lookup = lookupOf(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
    expect(await call(lookup, {})).toEqual({ error: null, address: '93.184.215.14', family: 4 });
    expect(await call(lookup, { family: 6 })).toMatchObject({
      address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
      family: 6,
    });
    expect((await call(lookup, { all: true })).address).toHaveLength(2);
  });

  it('refuses the whole name when any answer is not allowed', async () => {
    const { error } = await call(lookupOf(['93.184.215.14', '169.254.169.254']), { all: true });
    expect(error).toBeInstanceOf(AddressNotAllowed);
    expect((error as Error).message).toBe('address not allowed');
  });

  it('passes a resolver failure on, and an empty answer as not found', async () => {
    expect((await call(lookupOf([]), {})).error).toMatchObject({ code: 'ENOTFOUND' });
    const failing = vettedLookup(
      () => Promise.reject(Object.assign(new Error('boom'), { code: 'EAI_AGAIN' })),
      false,
    );
    expect((await call(failing, {})).error).toMatchObject({ code: 'EAI_AGAIN' });
  });
});
