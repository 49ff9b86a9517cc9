import type { Db } from '../server/db/client.js';
import { keyWithBody } from '../server/modules/licenses/keys.js';
import { licenses, type NewLicense } from '../server/modules/licenses/schema.js';
import { defaultPlans } from '../server/modules/billing/plans.js';
import type { Clock } from '../server/services.js';

/**
 * Demo tenants. Their keys are fixed so the static demo pages can embed them; real licenses
 * always get random keys.
 */
export const demoKeys = {
  academy: keyWithBody('pk', 'test', 'DemoAcademyPortal0000001'),
  revoked: keyWithBody('pk', 'test', 'DemoRevokedLicense000001'),
} as const;

const enterpriseFeatures = defaultPlans.find((p) => p.id === 'enterprise')!.features;

export function seedDemo(db: Db, clock: Clock, origins: string[]): void {
  const now = clock.now();
  const rows: NewLicense[] = [
    {
      id: 'lic_demo_academy',
      name: 'Northwind Academy',
      plan: 'enterprise',
      status: 'active',
      mode: 'test',
      publishableKey: demoKeys.academy,
      allowedOrigins: origins,
      features: [...enterpriseFeatures],
      limits: { api_requests: 1_000_000, active_learners: 10_000 },
      locale: 'en',
      currency: 'USD',
      createdAt: now,
      updatedAt: now,
    },
    {
      id: 'lic_demo_revoked',
      name: 'Former Customer College',
      plan: 'pro',
      status: 'revoked',
      mode: 'test',
      publishableKey: demoKeys.revoked,
      allowedOrigins: origins,
      features: [],
      limits: {},
      locale: 'en',
      currency: 'USD',
      createdAt: now,
      updatedAt: now,
    },
  ];
  for (const row of rows) {
    db.insert(licenses)
      .values(row)
      .onConflictDoUpdate({
        target: licenses.id,
        set: { allowedOrigins: row.allowedOrigins, updatedAt: now },
      })
      .run();
  }
}
