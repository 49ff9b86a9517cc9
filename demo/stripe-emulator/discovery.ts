import {
  noteStripeEndpoint,
  TEST_ENDPOINT_KEY,
  type StripeEndpoint,
} from '../../server/lib/stripe-endpoint.js';

/** The key the server's Stripe client uses with the emulator (any `sk_test_` key works there). */
export const EMULATOR_SECRET_KEY = TEST_ENDPOINT_KEY;

/**
 * Tells other processes on this data directory (the operator CLI) where the running demo's
 * emulator listens, so a refund made from the CLI reaches the same Stripe as the server.
 * Returns the function that withdraws the note.
 */
export function announceEmulator(dataDir: string, sdk: StripeEndpoint): () => void {
  return noteStripeEndpoint(dataDir, sdk);
}
