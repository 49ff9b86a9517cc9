import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { base62, randomBase62 } from '../../lib/ids.js';

/**
 * Key format: `<kind>_<mode>_<body><check>` where body is 24 random base62 characters and
 * check is the CRC32 of everything before it, in 6 base62 characters. The checksum lets the
 * server tell a mistyped key from an unknown one without touching the database.
 */
export type KeyKind = 'pk' | 'sk';
export type KeyMode = 'test' | 'live';

const BODY_LENGTH = 24;
const CHECK_LENGTH = 6;
const KEY_PATTERN = /^(pk|sk)_(test|live)_([0-9A-Za-z]{30})$/;

function checksum(prefixAndBody: string): string {
  return base62(crc32(prefixAndBody), CHECK_LENGTH);
}

export function generateKey(kind: KeyKind, mode: KeyMode): string {
  return keyWithBody(kind, mode, randomBase62(BODY_LENGTH));
}

/** A key with a chosen body, for fixtures and the demo seed. Never use for real licenses. */
export function keyWithBody(kind: KeyKind, mode: KeyMode, body: string): string {
  if (!/^[0-9A-Za-z]{24}$/.test(body)) throw new Error('a key body is 24 letters and digits');
  const head = `${kind}_${mode}_${body}`;
  return head + checksum(head);
}

export type ParsedKey =
  { ok: true; kind: KeyKind; mode: KeyMode } | { ok: false; reason: 'format' | 'checksum' };

export function parseKey(key: string): ParsedKey {
  const match = KEY_PATTERN.exec(key);
  if (!match) return { ok: false, reason: 'format' };
  const head = key.slice(0, key.length - CHECK_LENGTH);
  if (checksum(head) !== key.slice(-CHECK_LENGTH)) return { ok: false, reason: 'checksum' };
  return { ok: true, kind: match[1] as KeyKind, mode: match[2] as KeyMode };
}

/**
 * A signing secret for HS256 learner tokens: 32 random bytes, base64url. The customer's
 * backend uses the whole string (UTF-8) as the HMAC key, as JWT libraries expect.
 */
export function generateSigningSecret(): string {
  return `lxsig_${randomBytes(32).toString('base64url')}`;
}

export const SIGNING_SECRET_PATTERN = /^lxsig_[A-Za-z0-9_-]{43}$/;
