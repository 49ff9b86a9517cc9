import { z } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import { defaultPlans } from '../billing/plans.js';
import type { Product } from './products.js';
import type { PaymentKind } from './schema.js';

/**
 * What a learner may ask to pay for. Only what identifies the item is read: anything a
 * client sends about price is not part of these shapes and is dropped. Course purchases and
 * each kind is priced by the `Product` its module registers.
 */
export const CheckoutRequest = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('plan'),
      planId: z.string().min(1).max(64),
      interval: z.enum(['month', 'year']),
      /** One of the plan's price currencies; the license's currency when left out. */
      currency: z
        .string()
        .regex(/^[A-Za-z]{3}$/)
        .optional(),
    }),
    z.object({
      kind: z.literal('course'),
      courseId: z.string().min(1).max(64),
      couponCode: z.string().trim().min(1).max(64).optional(),
    }),
  ])
  .openapi('CheckoutRequest');

export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

/** An item with the price the server computed for it. */
export interface Priced {
  kind: PaymentKind;
  /** Stable identifier of the item within its kind, stored with the payment. */
  item: string;
  /** Integer minor units. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  description: string;
  /** Extra identifiers stored on the Stripe object (e.g. a coupon), all strings. */
  metadata?: Record<string, string>;
}

/** Plans sold as one-off payments, until a module registers its own `plan` product. */
export const planProduct: Product<'plan'> = {
  price(_learner, request) {
    const plan = defaultPlans.find((p) => p.id === request.planId);
    if (!plan) {
      throw new ApiError('validation_failed', `There is no plan "${request.planId}".`, {
        errors: [{ path: 'body.planId', message: 'Unknown plan' }],
      });
    }
    const price = plan.prices.find((p) => p.interval === request.interval);
    if (!price || price.amount <= 0) {
      throw new ApiError(
        'validation_failed',
        `The ${plan.name} plan has nothing to pay per ${request.interval}.`,
        { errors: [{ path: 'body.planId', message: 'This plan and interval are not paid' }] },
      );
    }
    return {
      kind: 'plan',
      item: `${plan.id}:${price.interval}`,
      amount: price.amount,
      currency: price.currency.toUpperCase(),
      description: `${plan.name} (${price.interval === 'month' ? 'monthly' : 'yearly'})`,
    };
  },
};
