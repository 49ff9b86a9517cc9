import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a delivery's `webhook-timestamp` may be from now, either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export type VerifyResult =
  { ok: true; id: string; timestamp: number } | { ok: false; reason: string };

/** The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`. */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret,
    'base64',
  );
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, as a sender signs a delivery. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', webhookKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * Verifies a delivery signed as the Standard Webhooks specification describes: the
 * `webhook-signature` header holds one or more space-separated `v1,<signature>` entries (several
 * while a secret is rotated), any of which may match; the timestamp must be recent, so a
 * captured delivery cannot be replayed later. Checks run on the raw body, before parsing.
 */
export function verifyWebhook(
  secret: string,
  headers: { id?: string | null; timestamp?: string | null; signature?: string | null },
  body: string,
  nowSeconds: number,
): VerifyResult {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing webhook headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const sentAt = Number(timestamp);
  if (Math.abs(nowSeconds - sentAt) > WEBHOOK_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'timestamp outside the tolerance' };
  }
  const expected = Buffer.from(signWebhook(secret, id, sentAt, body).slice(3), 'base64');
  for (const entry of signature.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { ok: true, id, timestamp: sentAt };
    }
  }
  return { ok: false, reason: 'no matching signature' };
}
