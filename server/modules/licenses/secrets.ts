import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Encrypts the few secrets the server must be able to read back (learner-token signing
 * secrets) with AES-256-GCM under a key that never enters the database. Each ciphertext is
 * bound to the row it belongs to (additional data), so one cannot be swapped for another,
 * and names the key it was made with, so a wrong key is reported as such.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly keyId: string;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the secrets key is 32 bytes');
    this.#key = Buffer.from(key);
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** A key that lives only as long as the process: for tests and throwaway databases. */
  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(32));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      this.keyId,
      iv.toString('base64url'),
      body.toString('base64url'),
      tag.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !keyId || !iv || body === undefined || !tag) {
      throw new SecretBoxError('the stored secret is not in a known format');
    }
    if (keyId !== this.keyId) {
      throw new SecretBoxError(
        `the stored secret was sealed with key ${keyId}, but the server runs with key ${this.keyId} (check SECRETS_KEY or the secrets.key file)`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError('the stored secret does not authenticate: it was altered or moved');
    }
  }
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** Decodes `SECRETS_KEY` (64 hex digits or base64 of 32 bytes). */
export function decodeSecretsKey(value: string): Buffer {
  return /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

/**
 * The secrets key from `SECRETS_KEY`, or else from `secrets.key` in the data directory,
 * created on first use with owner-only permissions. Keeping it in its own file means a
 * database copy or backup does not carry it.
 */
export function loadSecretBox(options: {
  secretsKey: string | undefined;
  dataDir: string;
}): SecretBox {
  if (options.secretsKey) return new SecretBox(decodeSecretsKey(options.secretsKey));
  const file = path.join(options.dataDir, 'secrets.key');
  fs.mkdirSync(options.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new Error(`${file} must hold 64 hex digits (a 32-byte key)`);
  }
  return new SecretBox(Buffer.from(text, 'hex'));
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares two secrets without leaking, through timing, where they first differ or their length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
