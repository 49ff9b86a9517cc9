/**
 * The API version the bundled `stripe` SDK pins. Requests without a `Stripe-Version` header,
 * and webhook endpoints without one, are answered in this version.
 */
export const DEFAULT_API_VERSION = '2026-10-28.endive';

/**
 * From 2025-03-31.basil on, invoices no longer carry `payment_intent`/`subscription`/`charge`
 * (payments live in `invoice.payments`, the client secret in `confirmation_secret`) and the
 * billing period moved from the subscription to its items. Older versions get the old shape.
 */
const BASIL = '2025-03-31';

export interface View {
  apiVersion: string;
  legacy: boolean;
  /** Publishable-key callers see only the client-safe subset of an object. */
  publishable: boolean;
}

const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

export function isValidApiVersion(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

export function viewFor(apiVersion: string, publishable = false): View {
  return { apiVersion, legacy: apiVersion.slice(0, 10) < BASIL, publishable };
}
