import type { JsonObject } from '../core/json.js';

/**
 * The `next_action` Stripe returns when a card needs 3D Secure: a redirect when the caller
 * gave a return URL, otherwise the challenge Stripe.js opens itself. Both point at the
 * emulator's challenge page for this intent.
 */
export function authenticationAction(
  baseUrl: string,
  intent: { param: 'payment_intent' | 'setup_intent'; id: string; clientSecret: string },
  returnUrl: string | undefined,
  source: string | null,
): JsonObject {
  const url = `${baseUrl}/elements/authenticate?${intent.param}=${intent.id}&client_secret=${encodeURIComponent(intent.clientSecret)}`;
  return returnUrl
    ? {
        type: 'redirect_to_url',
        redirect_to_url: {
          return_url: returnUrl,
          url: `${url}&return_url=${encodeURIComponent(returnUrl)}`,
        },
      }
    : {
        type: 'use_stripe_sdk',
        use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source },
      };
}
