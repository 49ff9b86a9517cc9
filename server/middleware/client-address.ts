import net from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppEnv } from '../types.js';

function normalize(address: string): string {
  // Node reports IPv4 clients of a dual-stack socket as IPv4-mapped IPv6.
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * Finds the client's address. The socket's peer is the client unless it is one of the
 * configured trusted proxies; only then is `X-Forwarded-For` read, right to left, skipping
 * trusted hops, so a client cannot pick its own address by sending the header itself.
 */
export function createClientAddress(
  trustedProxies: readonly string[],
): <E extends AppEnv>(c: Context<E>) => string {
  const trusted = new net.BlockList();
  for (const entry of trustedProxies) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) trusted.addAddress(normalize(address), type);
    else trusted.addSubnet(normalize(address), Number(bits), type);
  }
  const isTrusted = (address: string) => {
    const family = net.isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };

  return (c) => {
    const known = c.get('clientAddress');
    if (known) return known;
    // Requests handed to app.fetch directly (not through a socket) have no peer.
    const peer = (c.env as { incoming?: unknown } | undefined)?.incoming
      ? normalize(getConnInfo(c).remote.address ?? 'unknown')
      : 'unknown';
    let client = peer;
    if (trustedProxies.length > 0 && isTrusted(peer)) {
      const hops = (c.req.header('x-forwarded-for') ?? '')
        .split(',')
        .map((h) => normalize(h.trim()))
        .filter(Boolean);
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = hops[i]!;
        if (net.isIP(hop) === 0) break;
        client = hop;
        if (!isTrusted(hop)) break;
      }
    }
    c.set('clientAddress', client);
    return client;
  };
}
