import { createHmac, randomBytes } from 'node:crypto';

/** `whsec_` + base64 of 32 random bytes, as the Standard Webhooks specification describes. */
export function generateEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The key bytes of a `whsec_…` secret: the base64 after the prefix. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret,
    'base64',
  );
}

/**
 * The `webhook-signature` header value: `v1,` + base64 HMAC-SHA256 over
 * `<webhook-id>.<webhook-timestamp>.<body>` with the decoded secret (Standard Webhooks).
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The headers one delivery attempt carries. */
export function webhookHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'LiberationKit-Webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}

/** Additional data that binds a sealed endpoint secret to its license and endpoint. */
export function endpointSecretContext(licenseId: string, endpointId: string): string {
  return `webhook-endpoint:${licenseId}:${endpointId}`;
}
