import net from 'node:net';
import { parse } from 'tldts';

/**
 * Which hosts a partner webhook may reach. A webhook is a request the server makes on a
 * customer's behalf to a URL the customer chose, and its delivery log shows how each attempt
 * went: pointed inward, it would probe the server's own network. So only public unicast
 * addresses are allowed, and loopback only where the operator says so (development, the demo).
 */

/** How a range of the registries is judged. */
type Handling =
  /** Never a partner's endpoint. */
  | 'block'
  /** Carries an IPv4 address, which is judged instead (mapped, NAT64, 6to4). */
  | 'embedded';

interface Range {
  cidr: string;
  name: string;
  handling: Handling;
}

/**
 * The IANA IPv4 Special-Purpose Address Registry (RFC 6890 and updates), whole, and
 * multicast. Public-looking entries (AS112, AMT, the 6to4 relay anycast) are refused too: no
 * partner's endpoint lives there.
 */
export const specialPurposeIPv4: readonly Range[] = [
  { cidr: '0.0.0.0/8', name: '"This network"', handling: 'block' },
  { cidr: '10.0.0.0/8', name: 'Private-Use', handling: 'block' },
  { cidr: '100.64.0.0/10', name: 'Shared Address Space', handling: 'block' },
  { cidr: '127.0.0.0/8', name: 'Loopback', handling: 'block' },
  { cidr: '169.254.0.0/16', name: 'Link Local', handling: 'block' },
  { cidr: '172.16.0.0/12', name: 'Private-Use', handling: 'block' },
  { cidr: '192.0.0.0/24', name: 'IETF Protocol Assignments', handling: 'block' },
  { cidr: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', handling: 'block' },
  { cidr: '192.31.196.0/24', name: 'AS112-v4', handling: 'block' },
  { cidr: '192.52.193.0/24', name: 'AMT', handling: 'block' },
  { cidr: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)', handling: 'block' },
  { cidr: '192.168.0.0/16', name: 'Private-Use', handling: 'block' },
  { cidr: '192.175.48.0/24', name: 'Direct Delegation AS112 Service', handling: 'block' },
  { cidr: '198.18.0.0/15', name: 'Benchmarking', handling: 'block' },
  { cidr: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', handling: 'block' },
  { cidr: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', handling: 'block' },
  { cidr: '224.0.0.0/4', name: 'Multicast', handling: 'block' },
  { cidr: '240.0.0.0/4', name: 'Reserved, with Limited Broadcast', handling: 'block' },
];

/**
 * The IANA IPv6 Special-Purpose Address Registry, deprecated site-local and IPv4-compatible
 * addresses, multicast, and everything outside global unicast (2000::/3).
 */
export const specialPurposeIPv6: readonly Range[] = [
  { cidr: '::1/128', name: 'Loopback Address', handling: 'block' },
  { cidr: '::/128', name: 'Unspecified Address', handling: 'block' },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped Address', handling: 'embedded' },
  { cidr: '::/96', name: 'IPv4-compatible Address (deprecated)', handling: 'block' },
  { cidr: '64:ff9b::/96', name: 'IPv4-IPv6 Translation', handling: 'embedded' },
  // Its operators choose where the IPv4 address sits, so it cannot be read back reliably.
  { cidr: '64:ff9b:1::/48', name: 'Local-use IPv4/IPv6 Translation', handling: 'block' },
  { cidr: '100::/64', name: 'Discard-Only Address Block', handling: 'block' },
  { cidr: '100:0:0:1::/64', name: 'Dummy IPv6 Prefix', handling: 'block' },
  // Teredo (2001::/32) included: its client address is obfuscated.
  { cidr: '2001::/23', name: 'IETF Protocol Assignments', handling: 'block' },
  { cidr: '2001:db8::/32', name: 'Documentation', handling: 'block' },
  { cidr: '2002::/16', name: '6to4', handling: 'embedded' },
  { cidr: '2620:4f:8000::/48', name: 'Direct Delegation AS112 Service', handling: 'block' },
  { cidr: '3fff::/20', name: 'Documentation', handling: 'block' },
  { cidr: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', handling: 'block' },
  { cidr: 'fc00::/7', name: 'Unique-Local', handling: 'block' },
  { cidr: 'fe80::/10', name: 'Link-Local Unicast', handling: 'block' },
  { cidr: 'fec0::/10', name: 'Site-Local (deprecated)', handling: 'block' },
  { cidr: 'ff00::/8', name: 'Multicast', handling: 'block' },
  { cidr: '::/3', name: 'Not global unicast', handling: 'block' },
  { cidr: '4000::/2', name: 'Not global unicast', handling: 'block' },
  { cidr: '8000::/1', name: 'Not global unicast', handling: 'block' },
];

function blockList(ranges: readonly Range[], family: 'ipv4' | 'ipv6'): net.BlockList {
  const list = new net.BlockList();
  for (const { cidr, handling } of ranges) {
    if (handling !== 'block') continue;
    const [address, bits] = cidr.split('/') as [string, string];
    list.addSubnet(address, Number(bits), family);
  }
  return list;
}

// One list per family, each consulted only with its own family: BlockList matches IPv4 rules
// against IPv4-mapped IPv6 addresses (and back), which the embedded ranges handle explicitly.
const blockedIPv4 = blockList(specialPurposeIPv4, 'ipv4');
const blockedIPv6 = blockList(specialPurposeIPv6, 'ipv6');
const loopbackIPv4 = blockList([specialPurposeIPv4[3]!], 'ipv4');

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  let canonical: string;
  try {
    // The URL parser writes every form (dotted tails, leading zeros) as compressed hex.
    canonical = new URL(`http://[${address.split('%')[0]}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const [head = '', tail] = canonical.split('::');
  const groups = (text: string) => (text ? text.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const dotted = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/** The IPv4 address an IPv6 address of an embedded range carries, if it is one. */
function embeddedIPv4(g: number[]): { address: string; mapped: boolean } | null {
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return { address: dotted(g[6]!, g[7]!), mapped: true };
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return { address: dotted(g[6]!, g[7]!), mapped: false };
  }
  if (g[0] === 0x2002) return { address: dotted(g[1]!, g[2]!), mapped: false };
  return null;
}

export type AddressClass = 'public' | 'loopback' | 'refused';

/** Public, loopback, or refused (every other special-purpose address, and non-addresses). */
export function classifyAddress(address: string): AddressClass {
  const family = net.isIP(address.split('%')[0]!);
  if (family === 4) {
    if (loopbackIPv4.check(address, 'ipv4')) return 'loopback';
    return blockedIPv4.check(address, 'ipv4') ? 'refused' : 'public';
  }
  if (family !== 6) return 'refused';
  const groups = ipv6Groups(address);
  if (!groups) return 'refused';
  if (groups.every((g, i) => g === (i === 7 ? 1 : 0))) return 'loopback';
  const embedded = embeddedIPv4(groups);
  if (embedded) {
    const inner = classifyAddress(embedded.address);
    // A mapped address is the IPv4 one itself; a translator's or relay's loopback is not ours.
    return inner === 'public' || (embedded.mapped && inner === 'loopback') ? inner : 'refused';
  }
  return blockedIPv6.check(address.split('%')[0]!, 'ipv6') ? 'refused' : 'public';
}

/** Whether a connection to `address` may be made. */
export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  const verdict = classifyAddress(address);
  return verdict === 'public' || (verdict === 'loopback' && allowLoopback);
}

/**
 * Top-level names that no public resolver answers (the IANA Special-Use Domain Names,
 * `.internal`, and names that private networks commonly use), and `.arpa`, whose names are
 * not web hosts.
 */
const internalTopLevel = new Set([
  'alt',
  'arpa',
  'corp',
  'example',
  'home',
  'internal',
  'intranet',
  'invalid',
  'lan',
  'local',
  'localdomain',
  'onion',
  'private',
  'test',
]);

export type HostClass = AddressClass | 'internal';

/**
 * Judges a URL's hostname as the URL parser wrote it: an IP literal by its address; a name
 * as loopback (`localhost`, `*.localhost`), internal (one label, a special-use or private
 * top-level name, or one the Public Suffix List does not know), or public, to be checked
 * again once resolved.
 */
export function classifyHost(hostname: string): HostClass {
  if (hostname.startsWith('[')) return classifyAddress(hostname.slice(1, -1));
  if (net.isIP(hostname)) return classifyAddress(hostname);
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  const labels = name.split('.');
  if (labels.length < 2 || internalTopLevel.has(labels.at(-1)!)) return 'internal';
  const { isIcann, isPrivate } = parse(name, { allowPrivateDomains: true });
  return isIcann || isPrivate ? 'public' : 'internal';
}

/**
 * Where an endpoint may point: https to a public host. Loopback (plain http too) only when
 * the operator allows it (`WEBHOOKS_ALLOW_LOOPBACK`, for development and the demo). No
 * credentials in the URL, no IP literal of a special-purpose range however it is written (the
 * URL parser has already turned `2130706433`, `0x7f.1` or `0177.0.0.1` into dotted form), and
 * no name that only an internal resolver answers. A public name is checked again, resolved,
 * at each delivery.
 */
export function endpointUrlProblem(value: string, allowLoopback: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  const host = classifyHost(url.hostname);
  const literal = url.hostname.startsWith('[') || net.isIP(url.hostname) !== 0;
  if (host === 'refused' || (host === 'loopback' && !allowLoopback && literal)) {
    return 'must not name a loopback, private or special-purpose address';
  }
  if (host === 'internal' || (host === 'loopback' && !allowLoopback)) {
    return 'must name a public host (not localhost, one label or an internal-only name)';
  }
  if (url.protocol === 'https:' || host === 'loopback') return null;
  return allowLoopback ? 'must use https (plain http only to loopback)' : 'must use https';
}
