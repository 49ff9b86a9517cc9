import { and, eq } from 'drizzle-orm';
import { first } from '../../server/db/store.js';
import { learners } from '../../server/modules/learners/schema.js';
import type { CourseInput } from '../../server/modules/marketplace/contract.js';
import type { Author } from '../../server/modules/marketplace/authoring.js';
import { startStripeApp, type StripeApp } from '../fixtures/stripe-app.js';
import { createLicense, learnerHeaders, signToken } from '../fixtures/harness.js';

export const STRIPE_KEY = 'sk_test_marketplaceSuite';
export const WEBHOOK_SECRET = 'whsec_marketplaceSuiteSecret';

export type MarketHarness = StripeApp;

/** The real application, its files in a temporary data directory, and the Stripe emulator. */
export function startMarket(): Promise<MarketHarness> {
  return startStripeApp({ name: 'market', stripeKey: STRIPE_KEY, webhookSecret: WEBHOOK_SECRET });
}

export interface Tenant {
  licenseId: string;
  publishableKey: string;
  secretKey: string;
  signingSecret: string;
  origin: string;
  author: Author;
  /** Headers of a learner of this tenant (publishable key, token, origin). */
  learner(sub: string, name?: string): Promise<Record<string, string>>;
  /** Secret-key headers of the tenant's server. */
  server: Record<string, string>;
}

export async function tenantOf(h: MarketHarness, name: string, origin: string): Promise<Tenant> {
  const created = await createLicense(h.services, { name, origins: [origin] });
  const licenseId = created.license.id;
  return {
    licenseId,
    publishableKey: created.license.publishableKey,
    secretKey: created.secretKey,
    signingSecret: created.signingSecret!,
    origin,
    author: { licenseId, instructorId: null },
    server: { Authorization: `Bearer ${created.secretKey}` },
    learner: async (sub, displayName) =>
      learnerHeaders(
        created.license.publishableKey,
        await signToken(created.signingSecret!, licenseId, h.clock, {
          sub,
          ...(displayName ? { claims: { name: displayName } } : {}),
        }),
        origin,
      ),
  };
}

export function courseInput(overrides: Partial<CourseInput> = {}): CourseInput {
  return {
    title: 'Python for Data Analysis',
    subtitle: 'Pandas, NumPy and plots',
    description: 'Learn to analyse data.',
    descriptionFormat: 'text',
    category: 'programming',
    level: 'beginner',
    language: 'en',
    tags: ['python', 'data'],
    price: { amount: 4900, currency: 'USD' },
    status: 'published',
    ...overrides,
  };
}

/** The learner's server id, as enrollments and payments name them. */
export async function learnerIdOf(
  h: MarketHarness,
  licenseId: string,
  sub: string,
): Promise<string> {
  const row = first(
    await h.store.db
      .select({ id: learners.id })
      .from(learners)
      .where(and(eq(learners.licenseId, licenseId), eq(learners.subject, sub))),
  );
  if (!row) throw new Error(`no learner ${sub}`);
  return row.id;
}

export { dumpStore } from '../fixtures/dump-store.js';
