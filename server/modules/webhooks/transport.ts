import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import { addressAllowed } from './addresses.js';

/** A hostname's addresses, as `dns.lookup(hostname, { all: true })` answers. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true });

/** The target, or one of the addresses its name resolved to, is not one a webhook may reach. */
export class AddressNotAllowed extends Error {
  readonly code = 'ERR_ADDRESS_NOT_ALLOWED';
  constructor() {
    super('address not allowed');
    this.name = 'AddressNotAllowed';
  }
}

/**
 * A `lookup` for the connection itself: it resolves the name once, refuses if any answer is
 * not allowed (a name that also points inward is not a partner's), and hands back only the
 * addresses it checked. The socket connects to one of those, so a second answer of the same
 * name (DNS rebinding) never comes into it.
 */
export function vettedLookup(resolve: Resolve, allowLoopback: boolean): LookupFunction {
  const vetted = async (hostname: string, wants: unknown): Promise<LookupAddress[]> => {
    const addresses = net.isIP(hostname)
      ? [{ address: hostname, family: net.isIP(hostname) }]
      : await resolve(hostname);
    if (!addresses.every((a) => addressAllowed(a.address, allowLoopback))) {
      throw new AddressNotAllowed();
    }
    const family = wants === 'IPv4' ? 4 : wants === 'IPv6' ? 6 : wants;
    const wanted =
      family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    if (wanted.length === 0) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return wanted;
  };
  return (hostname, options, callback) => {
    vetted(hostname, options.family).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  lookup: LookupFunction;
}

/**
 * POSTs `body` and answers the response's status once its headers arrive; the body is not
 * read. Redirects are not followed (node:http never does), and nothing else (no proxy from
 * the environment, no pooled connection) decides where the request goes: the connection is
 * made to an address `lookup` checked.
 */
export function postWebhook(url: URL, options: PostOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': Buffer.byteLength(options.body) },
        lookup: options.lookup,
        signal: options.signal,
        agent: false,
      },
      (response) => {
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
