import type { CreatedLicense } from '../../server/modules/licenses/contract.js';
import {
  createLicense,
  jsonInit,
  learnerHeaders,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

export const ORIGIN = 'https://portal.acme.test';

export interface ThemeHarness {
  h: Harness;
  acme: CreatedLicense;
  /** Publishable key + admin learner token headers for Acme. */
  admin: Record<string, string>;
  /** Publishable key + ordinary learner token headers for Acme. */
  learner: Record<string, string>;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  embed(headers?: Record<string, string>): Promise<Response>;
}

/** A server with one license, an admin and a learner token for it. */
export async function startThemes(): Promise<ThemeHarness> {
  const h = await startHarness();
  const acme = await createLicense(h.services);
  const adminToken = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
    sub: 'brand-admin',
    claims: { role: 'admin' },
  });
  const learnerToken = await signToken(acme.signingSecret!, acme.license.id, h.clock);
  const key = acme.license.publishableKey;
  const admin = learnerHeaders(key, adminToken, ORIGIN);
  const learner = learnerHeaders(key, learnerToken, ORIGIN);
  return {
    h,
    acme,
    admin,
    learner,
    call: (method, path, body, headers = admin) =>
      h.fetch(path, body === undefined ? { method, headers } : jsonInit(method, body, headers)),
    embed: (headers = { 'Liberation-Key': key, Origin: ORIGIN }) =>
      h.fetch('/v1/embed/config', { headers }),
  };
}
