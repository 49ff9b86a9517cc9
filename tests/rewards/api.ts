import { SignJWT } from 'jose';
import { LicenseCreateInput } from '../../server/modules/licenses/contract.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';

export const OPERATOR_TOKEN = 'operator-token-for-rewards-tests-0123456789';

export interface Tenant {
  id: string;
  pk: string;
  sk: string;
  origin: string;
  signingSecret: string;
}

export interface RewardsApi {
  server: TestServer;
  acme: Tenant;
  globex: Tenant;
  /** A learner token for `tenant`, signed the way the customer's backend would. */
  token(
    tenant: Tenant,
    claims: { sub: string; name?: string; classes?: string[]; role?: 'learner' | 'admin' },
  ): Promise<string>;
  /** A learner request from the tenant's page. */
  learner(tenant: Tenant, token: string, path: string, init?: RequestInit): Promise<Response>;
  /** A request from the customer's server with its secret key. */
  backend(tenant: Tenant, path: string, init?: RequestInit): Promise<Response>;
  operator(path: string, init?: RequestInit): Promise<Response>;
}

async function tenant(server: TestServer, name: string, origin: string): Promise<Tenant> {
  const created = await server.services.licenseAdmin.create(
    LicenseCreateInput.parse({ name, plan: 'enterprise', origins: [origin] }),
  );
  return {
    id: created.license.id,
    pk: created.license.publishableKey,
    sk: created.secretKey,
    origin,
    signingSecret: created.signingSecret!,
  };
}

export async function startRewardsApi(): Promise<RewardsApi> {
  const server = await startTestServer({ config: { operatorToken: OPERATOR_TOKEN } });
  const acme = await tenant(server, 'Acme', 'https://portal.acme.test');
  const globex = await tenant(server, 'Globex', 'https://learn.globex.test');
  const json = (init?: RequestInit): Record<string, string> =>
    init?.body !== undefined ? { 'Content-Type': 'application/json' } : {};
  return {
    server,
    acme,
    globex,
    async token(t, claims) {
      const now = Math.floor(server.clock.now().getTime() / 1000);
      return new SignJWT({ name: claims.name ?? `Learner ${claims.sub}`, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(t.id)
        .setAudience('liberation-kit')
        .setSubject(claims.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(new TextEncoder().encode(t.signingSecret));
    },
    learner: (t, token, path, init) =>
      server.fetch(path, {
        ...init,
        headers: {
          'Liberation-Key': t.pk,
          Origin: t.origin,
          Authorization: `Bearer ${token}`,
          ...json(init),
          ...(init?.headers as Record<string, string>),
        },
      }),
    backend: (t, path, init) =>
      server.fetch(path, {
        ...init,
        headers: {
          Authorization: `Bearer ${t.sk}`,
          ...json(init),
          ...(init?.headers as Record<string, string>),
        },
      }),
    operator: (path, init) =>
      server.fetch(path, {
        ...init,
        headers: {
          Authorization: `Bearer ${OPERATOR_TOKEN}`,
          ...json(init),
          ...(init?.headers as Record<string, string>),
        },
      }),
  };
}
