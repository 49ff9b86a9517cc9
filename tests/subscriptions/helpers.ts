import { jsonInit } from '../fixtures/harness.js';
import { checkout, type learnerOf, type PaymentsHarness } from '../payments/helpers.js';
import type { SubscriptionView } from '../../server/modules/billing/contract.js';

export { learnerOf, startPayments, type PaymentsHarness } from '../payments/helpers.js';

export type Learner = Awaited<ReturnType<typeof learnerOf>>;

export interface Session {
  paymentId: string;
  paymentIntentId: string;
  clientSecret: string;
  amount: number;
  currency: string;
  status: string;
  mode: 'subscription';
  subscriptionId: string;
  intentType: 'payment' | 'setup';
  trialEnd: string | null;
  planId: string;
  interval: 'month' | 'year';
}

/** What the server answers for a subscription. */
export type SubscriptionBody = SubscriptionView;

export interface FeaturesBody {
  tier: string | null;
  features: string[];
  grants: { feature: string; source: 'plan' | 'reward'; until: string | null }[];
  stale: boolean;
  checkedAt: string;
}

export async function getJson<T>(
  h: PaymentsHarness,
  path: string,
  headers: Record<string, string>,
) {
  const res = await h.fetch(path, { headers });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function postJson(
  h: PaymentsHarness,
  path: string,
  headers: Record<string, string>,
  body: unknown = {},
) {
  return h.fetch(path, jsonInit('POST', body, headers));
}

/** Starts a subscription checkout and expects it to be answered. */
export async function subscribe(
  h: PaymentsHarness,
  learner: Learner,
  body: { planId: string; interval: 'month' | 'year'; currency?: string },
): Promise<Session> {
  const res = await checkout(h, learner.headers, { kind: 'plan', ...body });
  if (res.status !== 200) throw new Error(`checkout: ${res.status} ${await res.text()}`);
  return (await res.json()) as Session;
}

/** What Stripe.js does in the learner's browser: confirms the intent with a card. */
export async function confirm(h: PaymentsHarness, session: Session, card = 'pm_card_visa') {
  if (session.intentType === 'setup') {
    await h.stripe.setupIntents.confirm(session.paymentIntentId, { payment_method: card });
  } else {
    await h.stripe.paymentIntents.confirm(session.paymentIntentId, { payment_method: card });
  }
  await h.emulator.webhooks.settled();
}

export const subscriptionOf = async (h: PaymentsHarness, learner: Learner) =>
  (
    await getJson<{ subscription: SubscriptionBody | null }>(
      h,
      '/v1/me/subscription',
      learner.headers,
    )
  ).subscription;

export const featuresOf = (h: PaymentsHarness, learner: Learner) =>
  getJson<FeaturesBody>(h, '/v1/me/features', learner.headers);

/** Moves Stripe's clock and waits until the server has every event that produced. */
export async function advance(
  h: PaymentsHarness,
  options: Parameters<PaymentsHarness['emulator']['advanceTime']>[0],
) {
  const report = h.emulator.advanceTime(options);
  await h.emulator.webhooks.settled();
  return report;
}

export function periodEndOf(sub: SubscriptionBody): Date {
  return new Date(Date.parse(sub.currentPeriodEnd!) + 1000);
}
