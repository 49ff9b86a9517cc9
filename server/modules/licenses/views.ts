import { and, asc, eq, gt, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
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
 * it is handed in at construction so that licenses never reach into usage.
 */
export interface UsageReader {
  snapshot(license: License): UsageSummary;
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
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #licenses: LicenseService;
  readonly #usage: UsageReader;

  constructor(options: { db: Db; clock: Clock; licenses: LicenseService; usage: UsageReader }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#licenses = options.licenses;
    this.#usage = options.usage;
  }

  list(query: LicenseListQuery = {}): AdminLicense[] {
    const filters: SQL[] = [];
    if (query.status) filters.push(eq(licenses.status, query.status));
    if (query.plan) filters.push(eq(licenses.plan, query.plan));
    const rows = this.#db
      .select()
      .from(licenses)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(asc(licenses.createdAt), asc(licenses.id))
      .all();
    return this.#views(rows);
  }

  view(id: string): AdminLicense {
    const row = this.#licenses.getById(id);
    if (!row) throw licenseNotFound(id);
    return this.#views([row])[0]!;
  }

  #views(rows: License[]): AdminLicense[] {
    if (rows.length === 0) return [];
    const now = this.#clock.now();
    const ids = rows.map((r) => r.id);
    const live = <T extends typeof licenseSecretKeys | typeof licenseSigningSecrets>(t: T) =>
      this.#db
        .select({
          id: t.id,
          hint: t.hint,
          createdAt: t.createdAt,
          expiresAt: t.expiresAt,
          licenseId: t.licenseId,
        })
        .from(t)
        .where(and(inArray(t.licenseId, ids), or(isNull(t.expiresAt), gt(t.expiresAt, now))))
        .orderBy(asc(t.createdAt))
        .all();
    const group = (list: KeyRow[]) => {
      const map = new Map<string, KeyInfo[]>();
      for (const row of list)
        map.set(row.licenseId, [...(map.get(row.licenseId) ?? []), keyInfo(row)]);
      return map;
    };
    const secretKeys = group(live(licenseSecretKeys));
    const signingSecrets = group(live(licenseSigningSecrets));
    return rows.map((row) => {
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
        usage: this.#usage.snapshot(row),
      };
    });
  }
}
