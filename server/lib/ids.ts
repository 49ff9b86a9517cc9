import { randomBytes } from 'node:crypto';

export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `width` base62 digits of an unsigned 32-bit value, most significant first. */
export function base62(value: number, width: number): string {
  let out = '';
  let n = value >>> 0;
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** `length` uniformly random base62 characters from the system's CSPRNG. */
export function randomBase62(length: number): string {
  // Rejection sampling keeps every character uniformly likely (256 is not a multiple of 62).
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62_ALPHABET[byte % 62];
    }
  }
  return out;
}

/** A row id: `<prefix>_` and 20 random base62 characters (about 119 bits). */
export function generateId(prefix: string): string {
  return `${prefix}_${randomBase62(20)}`;
}
