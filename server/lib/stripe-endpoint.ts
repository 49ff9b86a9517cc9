import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a Stripe-compatible API listens, in the stripe SDK's own terms (`host`, `port`,
 * `protocol`), so `new Stripe(key, endpoint)` talks to it instead of api.stripe.com.
 */
export interface StripeEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/**
 * The key a client uses with a noted endpoint. Only test endpoints (the bundled emulator) are
 * noted, and they accept any `sk_test_` key, so a note never has to carry a secret.
 */
export const TEST_ENDPOINT_KEY = 'sk_test_liberationkit';

const NOTE = 'stripe-emulator.json';

/** The SDK settings for an origin such as `http://127.0.0.1:12111` (`STRIPE_API_URL`). */
export function stripeEndpointOf(url: string): StripeEndpoint {
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
  return {
    // The SDK hands the host to node:http, which wants an IPv6 address without brackets.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : protocol === 'https' ? 443 : 80,
    protocol,
  };
}

/**
 * Notes in the data directory where this process's Stripe-compatible endpoint listens, so other
 * processes on the same data (the operator CLI) reach the same Stripe: a refund made from the
 * CLI then lands where the payment was made. Returns the function that withdraws the note.
 */
export function noteStripeEndpoint(dataDir: string, endpoint: StripeEndpoint): () => void {
  const file = path.join(dataDir, NOTE);
  const { host, port, protocol } = endpoint;
  fs.writeFileSync(file, JSON.stringify({ host, port, protocol, pid: process.pid }));
  return () => {
    try {
      const note = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
      if (note.pid === process.pid) fs.rmSync(file);
    } catch {
      // Already gone.
    }
  };
}

/** The endpoint noted by a process still running on this data directory, or null. */
export function findNotedStripeEndpoint(dataDir: string): StripeEndpoint | null {
  let note: Partial<StripeEndpoint> & { pid?: number };
  try {
    note = JSON.parse(fs.readFileSync(path.join(dataDir, NOTE), 'utf8')) as typeof note;
  } catch {
    return null;
  }
  if (typeof note.pid !== 'number' || typeof note.port !== 'number' || !note.host) return null;
  try {
    process.kill(note.pid, 0);
  } catch {
    return null; // The process that wrote it has stopped without withdrawing it.
  }
  return {
    host: note.host,
    port: note.port,
    protocol: note.protocol === 'https' ? 'https' : 'http',
  };
}
