import { and, asc, eq, gt, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { iso } from '../../lib/dates.js';
import type { Clock } from '../../services.js';
import { LEARNER_TOKEN_AUDIENCE } from '../learners/tokens.js';
import type { UsageSummary } from '../usage/contract.js';
import type { AdminLicense, KeyInfo, LicenseListQuery } from './contract.js';
import { effectivePolicy, planPolicy } from './plans.js';
import { licenses, licenseSecretKeys, licenseSigningSecrets, type License } from './schema.js';
import type { LicenseService } from './service.js';

/**
 * This month's usage of a license, as the operator's views show it. The usage module answers;
 * it is handed in at construction so that licenses never reach into usage. The meter may read
 * the store to answer, so the answer may come as a promise.
 */
export interface UsageReader {
  snapshot(license: License): UsageSummary | Promise<UsageSummary>;
}

interface KeyRow {
  id: string;
  hint: string;
  createdAt: Date;
  expiresAt: Date | null;
  licenseId: string;
}

const keyInfo = (row: KeyRow): KeyInfo => ({
  id: row.id,
  hint: row.hint,
  createdAt: row.createdAt.toISOString(),
  expiresAt: iso(row.expiresAt),
});

export function licenseNotFound(id: string): ApiError {
  return new ApiError('not_found', `No license has the id ${JSON.stringify(id)}.`);
}

/**
 * Licenses as the operator sees them: the stored settings, the plan's policy with the
 * license's overrides applied, the keys still honoured (hints only) and this month's usage.
 */
export class LicenseViews {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #licenses: LicenseService;
  readonly #usage: UsageReader;

  constructor(options: {
    store: Store;
    clock: Clock;
    licenses: LicenseService;
    usage: UsageReader;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#licenses = options.licenses;
    this.#usage = options.usage;
  }

  async list(query: LicenseListQuery = {}): Promise<AdminLicense[]> {
    const filters: SQL[] = [];
    if (query.status) filters.push(eq(licenses.status, query.status));
    if (query.plan) filters.push(eq(licenses.plan, query.plan));
    const rows = await this.#store.db
      .select()
      .from(licenses)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(asc(licenses.createdAt), asc(licenses.id));
    return this.#views(rows);
  }

  async view(id: string): Promise<AdminLicense> {
    const row = await this.#licenses.getById(id);
    if (!row) throw licenseNotFound(id);
    return (await this.#views([row]))[0]!;
  }

  async #views(rows: License[]): Promise<AdminLicense[]> {
    if (rows.length === 0) return [];
    const now = this.#clock.now();
    const ids = rows.map((r) => r.id);
    const live = <T extends typeof licenseSecretKeys | typeof licenseSigningSecrets>(t: T) =>
      this.#store.db
        .select({
          id: t.id,
          hint: t.hint,
          createdAt: t.createdAt,
          expiresAt: t.expiresAt,
          licenseId: t.licenseId,
        })
        .from(t)
        .where(and(inArray(t.licenseId, ids), or(isNull(t.expiresAt), gt(t.expiresAt, now))))
        .orderBy(asc(t.createdAt));
    const group = (list: KeyRow[]) => {
      const map = new Map<string, KeyInfo[]>();
      for (const row of list)
        map.set(row.licenseId, [...(map.get(row.licenseId) ?? []), keyInfo(row)]);
      return map;
    };
    const secretKeys = group(await live(licenseSecretKeys));
    const signingSecrets = group(await live(licenseSigningSecrets));
    // The meter may read the store to answer.
    const usages: UsageSummary[] = [];
    for (const row of rows) usages.push(await this.#usage.snapshot(row));
    return rows.map((row, i) => {
      const policy = effectivePolicy(row);
      return {
        id: row.id,
        name: row.name,
        plan: row.plan,
        customPlan: planPolicy(row.plan).custom,
        status: row.status,
        statusReason: row.statusReason,
        mode: row.mode,
        publishableKey: row.publishableKey,
        allowedOrigins: row.allowedOrigins,
        features: row.features,
        limits: policy.limits,
        rateLimit: { perMinute: policy.rateLimitPerMinute, source: policy.rateLimitSource },
        locale: row.locale,
        currency: row.currency,
        expiresAt: iso(row.expiresAt),
        learnerTokens: {
          kind: row.tokenAuth,
          algorithms: row.tokenAlgorithms,
          jwksUrl: row.jwksUrl,
          audience: LEARNER_TOKEN_AUDIENCE,
          issuer: row.id,
          signingSecrets: signingSecrets.get(row.id) ?? [],
        },
        secretKeys: secretKeys.get(row.id) ?? [],
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
        usage: usages[i]!,
      };
    });
  }
}
