import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { first, type Store, type Tx } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { iso } from '../../lib/dates.js';
import { generateId } from '../../lib/ids.js';
import type { Clock } from '../../services.js';
import type { FeatureKey } from '../billing/contract.js';
import type {
  AdminLicense,
  CreatedLicense,
  LicenseCreateInput,
  LicenseListQuery,
  LicenseUpdateInput,
  RotatedKey,
  RotateInput,
  StatusChangeInput,
  UpdatedLicense,
} from './contract.js';
import { generateKey, generateSigningSecret } from './keys.js';
import { planPolicy, type KnownPlan } from './plans.js';
import { licenses, licenseSecretKeys, licenseSigningSecrets, type License } from './schema.js';
import { sha256Hex } from './secrets.js';
import { signingSecretContext, type LicenseService } from './service.js';
import { licenseNotFound, LicenseViews, type UsageReader } from './views.js';

function futureOrFail(
  value: string | null | undefined,
  now: Date,
  path: string,
): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const date = new Date(value);
  if (date.getTime() <= now.getTime()) {
    throw new ApiError('validation_failed', '1 field(s) failed validation.', {
      errors: [{ path, message: 'must be in the future' }],
    });
  }
  return date;
}

/**
 * The operator's actions on licenses: create, change, suspend, resume, revoke and rotate
 * keys. The admin API and the CLI both call this, so they behave the same. Every change
 * drops the cached state of the license at once, and answers with the operator's view.
 */
export class LicenseAdmin {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #licenses: LicenseService;
  readonly #views: LicenseViews;
  readonly #tierFeatures: (tier: KnownPlan) => readonly FeatureKey[];

  constructor(options: {
    store: Store;
    clock: Clock;
    licenses: LicenseService;
    /** This month's usage, for the views. */
    usage: UsageReader;
    /** The features of a default tier, which a new license on that plan starts with. */
    tierFeatures: (tier: KnownPlan) => readonly FeatureKey[];
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#licenses = options.licenses;
    this.#tierFeatures = options.tierFeatures;
    this.#views = new LicenseViews(options);
  }

  list(query: LicenseListQuery = {}): Promise<AdminLicense[]> {
    return this.#views.list(query);
  }

  view(id: string): Promise<AdminLicense> {
    return this.#views.view(id);
  }

  async create(input: LicenseCreateInput): Promise<CreatedLicense> {
    const now = this.#clock.now();
    const expiresAt = futureOrFail(input.expiresAt, now, 'body.expiresAt') ?? null;
    const plan = planPolicy(input.plan);
    const id = generateId('lic');
    const secretKey = generateKey('sk', input.mode);
    const tokens = input.learnerTokens;
    const signingSecret = tokens.kind === 'secret' ? generateSigningSecret() : null;
    const limits: Record<string, number | null> = {};
    for (const [metric, value] of Object.entries(input.limits ?? {})) {
      limits[metric] = value === 'unlimited' ? null : value;
    }
    await this.#store.write(async (tx) => {
      await tx.insert(licenses).values({
        id,
        name: input.name,
        plan: input.plan,
        status: 'active',
        mode: input.mode,
        publishableKey: generateKey('pk', input.mode),
        allowedOrigins: input.origins,
        features: input.features ?? [...this.#tierFeatures(plan.tier)],
        limits,
        limitEnforcement: input.limitEnforcement ?? {},
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        locale: input.locale,
        currency: input.currency,
        expiresAt,
        tokenAuth: tokens.kind,
        jwksUrl: tokens.kind === 'jwks' ? tokens.jwksUrl : null,
        tokenAlgorithms: tokens.kind === 'jwks' ? tokens.algorithms : ['HS256'],
        createdAt: now,
        updatedAt: now,
      });
      await this.#insertSecretKey(tx, id, secretKey, now);
      if (signingSecret) await this.#insertSigningSecret(tx, id, signingSecret, now);
    });
    return { license: await this.view(id), secretKey, signingSecret };
  }

  async update(id: string, patch: LicenseUpdateInput): Promise<UpdatedLicense> {
    const now = this.#clock.now();
    const expiresAt = futureOrFail(patch.expiresAt, now, 'body.expiresAt');
    let signingSecret: string | null = null;
    await this.#store.write(async (tx) => {
      const row = first(await tx.select().from(licenses).where(eq(licenses.id, id)).limit(1));
      if (!row) throw licenseNotFound(id);
      if (row.status === 'revoked') {
        throw new ApiError('conflict', 'A revoked license cannot be changed.');
      }
      const changes: Partial<License> = { updatedAt: now };
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.plan !== undefined) changes.plan = patch.plan;
      if (patch.origins !== undefined) changes.allowedOrigins = patch.origins;
      if (patch.features !== undefined) changes.features = patch.features;
      if (patch.locale !== undefined) changes.locale = patch.locale;
      if (patch.currency !== undefined) changes.currency = patch.currency;
      if (expiresAt !== undefined) changes.expiresAt = expiresAt;
      if (patch.rateLimitPerMinute !== undefined) {
        changes.rateLimitPerMinute =
          patch.rateLimitPerMinute === 'default' ? null : patch.rateLimitPerMinute;
      }
      if (patch.limits) {
        const limits = { ...row.limits };
        for (const [metric, value] of Object.entries(patch.limits)) {
          if (value === 'default') delete limits[metric];
          else limits[metric] = value === 'unlimited' ? null : value;
        }
        changes.limits = limits;
      }
      if (patch.limitEnforcement) {
        const enforcement = { ...row.limitEnforcement };
        for (const [metric, value] of Object.entries(patch.limitEnforcement)) {
          if (value === 'default') delete enforcement[metric];
          else enforcement[metric] = value;
        }
        changes.limitEnforcement = enforcement;
      }
      if (patch.learnerTokens) {
        const tokens = patch.learnerTokens;
        changes.tokenAuth = tokens.kind;
        changes.jwksUrl = tokens.kind === 'jwks' ? tokens.jwksUrl : null;
        changes.tokenAlgorithms = tokens.kind === 'jwks' ? tokens.algorithms : ['HS256'];
        if (tokens.kind === 'jwks') {
          // A secret nobody should sign with any more is safer gone than dormant.
          await this.#expireCredentials(tx, licenseSigningSecrets, id, now, now);
        } else if (!(await this.#hasActiveSigningSecret(tx, id, now))) {
          signingSecret = generateSigningSecret();
          await this.#insertSigningSecret(tx, id, signingSecret, now);
        }
      }
      await tx.update(licenses).set(changes).where(eq(licenses.id, id));
    });
    this.#licenses.invalidate(id);
    return { license: await this.view(id), signingSecret };
  }

  suspend(id: string, input: StatusChangeInput = {}): Promise<AdminLicense> {
    return this.#changeStatus(id, (row) => {
      if (row.status === 'revoked')
        throw new ApiError('conflict', 'A revoked license cannot be suspended.');
      return { status: 'suspended', statusReason: input.reason ?? null };
    });
  }

  resume(id: string): Promise<AdminLicense> {
    return this.#changeStatus(id, (row) => {
      if (row.status === 'revoked') {
        throw new ApiError(
          'conflict',
          'A revoked license cannot be resumed; issue a new license instead.',
        );
      }
      return { status: 'active', statusReason: null };
    });
  }

  /** Revocation is final: the license's keys and tokens stop working for good. */
  revoke(id: string, input: StatusChangeInput = {}): Promise<AdminLicense> {
    return this.#changeStatus(id, (row) =>
      row.status === 'revoked' ? {} : { status: 'revoked', statusReason: input.reason ?? null },
    );
  }

  /**
   * Issues a new secret key or signing secret. The previous one keeps working for the
   * overlap so the customer can deploy the new one without downtime; anything older stops now.
   */
  async rotate(id: string, input: RotateInput): Promise<RotatedKey> {
    const now = this.#clock.now();
    const until = new Date(now.getTime() + input.overlapSeconds * 1000);
    let secret = '';
    let previous: Date | null = null;
    await this.#store.write(async (tx) => {
      const row = first(await tx.select().from(licenses).where(eq(licenses.id, id)).limit(1));
      if (!row) throw licenseNotFound(id);
      if (row.status === 'revoked')
        throw new ApiError('conflict', 'A revoked license gets no new keys.');
      if (input.key === 'secret_key') {
        previous = await this.#expireCredentials(tx, licenseSecretKeys, id, now, until);
        secret = generateKey('sk', row.mode);
        await this.#insertSecretKey(tx, id, secret, now);
      } else {
        if (row.tokenAuth !== 'secret') {
          throw new ApiError(
            'conflict',
            "This license's learner tokens are verified with the customer's JWKS; it has no signing secret.",
          );
        }
        previous = await this.#expireCredentials(tx, licenseSigningSecrets, id, now, until);
        secret = generateSigningSecret();
        await this.#insertSigningSecret(tx, id, secret, now);
      }
      await tx.update(licenses).set({ updatedAt: now }).where(eq(licenses.id, id));
    });
    this.#licenses.invalidate(id);
    return {
      license: await this.view(id),
      ...(input.key === 'secret_key' ? { secretKey: secret } : { signingSecret: secret }),
      previousValidUntil: iso(previous),
    };
  }

  async #changeStatus(
    id: string,
    decide: (row: License) => Partial<License>,
  ): Promise<AdminLicense> {
    const now = this.#clock.now();
    await this.#store.write(async (tx) => {
      const row = first(await tx.select().from(licenses).where(eq(licenses.id, id)).limit(1));
      if (!row) throw licenseNotFound(id);
      const changes = decide(row);
      if (Object.keys(changes).length === 0) return;
      await tx
        .update(licenses)
        .set({ ...changes, updatedAt: now })
        .where(eq(licenses.id, id));
    });
    this.#licenses.invalidate(id);
    return this.view(id);
  }

  async #insertSecretKey(tx: Tx, licenseId: string, key: string, now: Date): Promise<void> {
    await tx.insert(licenseSecretKeys).values({
      id: generateId('sk'),
      licenseId,
      hash: sha256Hex(key),
      hint: key.slice(-4),
      createdAt: now,
      expiresAt: null,
    });
  }

  async #insertSigningSecret(tx: Tx, licenseId: string, secret: string, now: Date): Promise<void> {
    const id = generateId('ss');
    await tx.insert(licenseSigningSecrets).values({
      id,
      licenseId,
      ciphertext: this.#licenses.secrets.seal(secret, signingSecretContext(licenseId, id)),
      hint: secret.slice(-4),
      createdAt: now,
      expiresAt: null,
    });
  }

  /**
   * The current secret key or signing secret (`table` says which) gets `until`; ones already on
   * their way out stop now. Returns `until` if a current one existed.
   */
  async #expireCredentials(
    tx: Tx,
    table: typeof licenseSecretKeys | typeof licenseSigningSecrets,
    licenseId: string,
    now: Date,
    until: Date,
  ): Promise<Date | null> {
    await tx
      .update(table)
      .set({ expiresAt: now })
      .where(and(eq(table.licenseId, licenseId), gt(table.expiresAt, now)));
    // The rows changed, counted the same way on both stores.
    const current = await tx
      .update(table)
      .set({ expiresAt: until })
      .where(and(eq(table.licenseId, licenseId), isNull(table.expiresAt)))
      .returning({ id: table.id });
    return current.length > 0 ? until : null;
  }

  async #hasActiveSigningSecret(tx: Tx, licenseId: string, now: Date): Promise<boolean> {
    const t = licenseSigningSecrets;
    const found = await tx
      .select({ id: t.id })
      .from(t)
      .where(and(eq(t.licenseId, licenseId), or(isNull(t.expiresAt), gt(t.expiresAt, now))))
      .limit(1);
    return found.length > 0;
  }
}
