import { createHash } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { and, eq } from 'drizzle-orm';
import { first, type Db, type Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { generateId } from '../../lib/ids.js';
import type { License } from '../licenses/schema.js';
import type { LicenseService } from '../licenses/service.js';
import { LearnerTokenClaims, type LearnerRole } from './contract.js';
import { learners } from './schema.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  LEARNER_TOKEN_AUDIENCE,
  MAX_TOKEN_LIFETIME_SECONDS,
} from './tokens.js';

/** The signed-in learner a request acts for, as put on the context by `requireLearner()`. */
export interface Learner {
  id: string;
  licenseId: string;
  subject: string;
  name: string;
  email: string | null;
  role: LearnerRole;
  classes: string[];
}

interface CachedToken {
  learner: Learner;
  /** The earlier of the token's expiry and the expiry of the key that verified it. */
  validUntil: number;
  /** The signing secret that verified it (HS256), which must still be in force. */
  keyId: string | null;
}

const MAX_TOKEN_LENGTH = 8192;

function invalid(detail: string): ApiError {
  return new ApiError('token_invalid', detail);
}

/**
 * Verifies learner tokens (JWTs signed by the customer's backend) and keeps the learners
 * they name. Verified tokens are remembered, keyed by a hash of the token, until they
 * expire (or, past `cacheSize` tokens, until they are the least recently used), so a
 * learner's requests after the first cost a hash and a cache lookup.
 */
export class LearnerService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #licenses: LicenseService;
  /** Verified tokens by license and token hash; the least recently used go first. */
  readonly #verified: LRUCache<string, CachedToken>;
  readonly #jwks = new Map<string, { url: string; keys: JWTVerifyGetKey }>();

  constructor(
    store: Store,
    clock: Clock,
    licenses: LicenseService,
    options: { cacheSize?: number } = {},
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#licenses = licenses;
    this.#verified = new LRUCache({ max: options.cacheSize ?? 10_000 });
    licenses.onInvalidate((licenseId) => this.invalidate(licenseId));
  }

  /** The learner a token names, for the license whose publishable key came with it. */
  async authenticate(license: License, token: string): Promise<Learner> {
    const now = this.#clock.now().getTime();
    const cacheKey = `${license.id}:${createHash('sha256').update(token).digest('base64url')}`;
    const hit = this.#verified.get(cacheKey);
    if (hit) {
      // A secret retired by another process (the CLI) is noticed when the license cache
      // reloads, even though no invalidation reached this one.
      const keyInForce =
        hit.keyId === null ||
        (await this.#licenses.signingKeys(license.id)).some((k) => k.id === hit.keyId);
      if (now < hit.validUntil && keyInForce) return hit.learner;
      this.#verified.delete(cacheKey);
    }

    const { payload, keyExpiresAt, keyId } = await this.#verify(license, token);
    const claims = LearnerTokenClaims.safeParse(payload);
    if (!claims.success) {
      const issue = claims.error.issues[0]!;
      throw invalid(`The token's "${issue.path.join('.')}" claim is not valid: ${issue.message}.`);
    }
    const learner = await this.#remember(license.id, claims.data);
    const validUntil = Math.min(payload.exp! * 1000, keyExpiresAt ?? Infinity);
    this.#verified.set(cacheKey, { learner, validUntil, keyId });
    return learner;
  }

  /**
   * A learner of the license by server id, read inside the caller's write when given its `tx`
   * (other modules name learners in their records and events by the customer's `subject`).
   */
  async find(
    db: Db,
    licenseId: string,
    learnerId: string,
  ): Promise<{ id: string; subject: string; name: string } | undefined> {
    return first(
      await db
        .select({ id: learners.id, subject: learners.subject, name: learners.name })
        .from(learners)
        .where(and(eq(learners.id, learnerId), eq(learners.licenseId, licenseId)))
        .limit(1),
    );
  }

  /** Forgets verified tokens and JWKS of a license (all licenses when null). */
  invalidate(licenseId: string | null): void {
    if (licenseId === null) {
      this.#verified.clear();
      this.#jwks.clear();
      return;
    }
    const prefix = `${licenseId}:`;
    for (const key of [...this.#verified.keys()]) {
      if (key.startsWith(prefix)) this.#verified.delete(key);
    }
    this.#jwks.delete(licenseId);
  }

  async #verify(
    license: License,
    token: string,
  ): Promise<{ payload: JWTPayload; keyExpiresAt: number | null; keyId: string | null }> {
    if (token.length > MAX_TOKEN_LENGTH)
      throw invalid('The token is too long to be a learner token.');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw invalid('The token is not a JWT (header.payload.signature, base64url).');
    }
    // Pinned per license: an unsigned token (`alg: none`) or one signed with an algorithm the
    // license does not use is refused before any key is touched.
    if (!alg || !(license.tokenAlgorithms as string[]).includes(alg)) {
      throw invalid(
        `The token is signed with ${alg ? `"${alg}"` : 'no algorithm'}; this license accepts ${license.tokenAlgorithms.join(', ')}.`,
      );
    }
    const now = this.#clock.now();
    const options: JWTVerifyOptions = {
      algorithms: license.tokenAlgorithms,
      audience: LEARNER_TOKEN_AUDIENCE,
      issuer: license.id,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'sub'],
    };
    let payload: JWTPayload;
    let keyExpiresAt: number | null = null;
    let keyId: string | null = null;
    try {
      if (license.tokenAuth === 'jwks') {
        payload = (await jwtVerify(token, this.#remoteKeys(license), options)).payload;
      } else {
        const keys = await this.#licenses.signingKeys(license.id);
        if (keys.length === 0)
          throw invalid('This license has no signing secret for learner tokens.');
        let verified: JWTPayload | undefined;
        for (const [i, key] of keys.entries()) {
          try {
            verified = (await jwtVerify(token, key.key, options)).payload;
            keyExpiresAt = key.expiresAt;
            keyId = key.id;
            break;
          } catch (error) {
            // During a rotation the token may be signed with the previous secret.
            if (!(error instanceof errors.JWSSignatureVerificationFailed) || i === keys.length - 1)
              throw error;
          }
        }
        payload = verified!;
      }
    } catch (error) {
      throw this.#explain(error, license);
    }
    this.#checkLifetime(payload, now.getTime() / 1000);
    return { payload, keyExpiresAt, keyId };
  }

  #checkLifetime(payload: JWTPayload, nowSeconds: number): void {
    const exp = payload.exp!;
    if (payload.iat !== undefined && payload.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
      throw invalid(
        'The token was issued in the future ("iat"); check the clock of the signing server.',
      );
    }
    const issued = payload.iat ?? nowSeconds;
    if (
      exp - issued > MAX_TOKEN_LIFETIME_SECONDS ||
      exp - nowSeconds > MAX_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS
    ) {
      throw invalid(
        'The token lives longer than 24 hours ("exp"); learner tokens must be short-lived.',
      );
    }
  }

  #remoteKeys(license: License): JWTVerifyGetKey {
    const url = license.jwksUrl;
    if (!url) throw invalid('This license has no JWKS URL for learner tokens.');
    const cached = this.#jwks.get(license.id);
    if (cached && cached.url === url) return cached.keys;
    const keys = createRemoteJWKSet(new URL(url), {
      timeoutDuration: 5_000,
      // An unknown `kid` refetches the set at most this often, so forged kids cannot make
      // the server hammer the customer's endpoint.
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    this.#jwks.set(license.id, { url, keys });
    return keys;
  }

  /** Turns jose's verdicts into problems that say what is wrong; anything else passes through. */
  #explain(error: unknown, license: License): unknown {
    if (error instanceof ApiError) return error;
    if (error instanceof errors.JWTExpired) {
      return new ApiError(
        'token_expired',
        'The learner token has expired; ask the customer backend for a new one.',
      );
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      switch (error.claim) {
        case 'aud':
          return invalid(`The token's audience ("aud") must be "${LEARNER_TOKEN_AUDIENCE}".`);
        case 'iss':
          return invalid(
            `The token was not issued for this license: "iss" must be "${license.id}".`,
          );
        case 'nbf':
          return invalid('The token is not valid yet ("nbf").');
        case 'iat':
          return invalid('The token\'s "iat" claim is not valid.');
        default:
          return invalid(`The token's "${error.claim}" claim is missing or not valid.`);
      }
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return invalid(
        `The token's algorithm is not accepted; this license accepts ${license.tokenAlgorithms.join(', ')}.`,
      );
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return invalid("The token signature does not verify with this license's keys.");
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      return invalid('No key in the license\'s JWKS matches the token ("kid" / "alg").');
    }
    const unreachable = license.tokenAuth === 'jwks' && error instanceof TypeError;
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || unreachable) {
      return new ApiError(
        'service_unavailable',
        "The license's JWKS could not be fetched; try again shortly.",
      );
    }
    if (error instanceof errors.JOSEError) return invalid('The token is malformed.');
    return error;
  }

  async #remember(licenseId: string, claims: LearnerTokenClaims): Promise<Learner> {
    const now = this.#clock.now();
    const [row] = await this.#store.write((tx) =>
      tx
        .insert(learners)
        .values({
          id: generateId('lrn'),
          licenseId,
          subject: claims.sub,
          name: claims.name,
          email: claims.email ?? null,
          role: claims.role,
          classes: claims.classes,
          createdAt: now,
          updatedAt: now,
          lastSeenAt: now,
        })
        .onConflictDoUpdate({
          target: [learners.licenseId, learners.subject],
          set: {
            name: claims.name,
            email: claims.email ?? null,
            role: claims.role,
            classes: claims.classes,
            updatedAt: now,
            lastSeenAt: now,
          },
        })
        .returning(),
    );
    if (!row) throw new Error('The learner upsert returned no row.');
    return {
      id: row.id,
      licenseId: row.licenseId,
      subject: row.subject,
      name: row.name,
      email: row.email,
      role: row.role,
      classes: row.classes,
    };
  }
}
