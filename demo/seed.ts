import { SignJWT } from 'jose';
import type { Store } from '../server/db/store.js';
import { defaultTiers } from '../server/modules/billing/tiers.js';
import { learners, type LearnerRole } from '../server/modules/learners/schema.js';
import { LEARNER_TOKEN_AUDIENCE } from '../server/modules/learners/tokens.js';
import { keyWithBody } from '../server/modules/licenses/keys.js';
import {
  licenses,
  licenseSecretKeys,
  licenseSigningSecrets,
  type NewLicense,
} from '../server/modules/licenses/schema.js';
import { sha256Hex, type SecretBox } from '../server/modules/licenses/secrets.js';
import { signingSecretContext } from '../server/modules/licenses/service.js';
import type { Clock } from '../server/services.js';
import { seedDemoCourses } from './courses.js';

/**
 * Demo tenants. Their keys are fixed so the static demo pages (and the load benchmark) can use
 * them; real licenses always get random keys, secret keys and signing secrets.
 */
export const demoKeys = {
  academy: keyWithBody('pk', 'test', 'DemoAcademyPortal0000001'),
  revoked: keyWithBody('pk', 'test', 'DemoRevokedLicense000001'),
  /** The demo academy's secret key. Fixed for the demo tenant only. */
  academySecret: keyWithBody('sk', 'test', 'DemoAcademyServer0000001'),
} as const;

export const DEMO_LICENSE_ID = 'lic_demo_academy';

/** HS256 secret the demo's "customer backend" signs learner tokens with. Demo tenant only. */
export const demoSigningSecret = 'lxsig_DemoAcademySigningSecretForTheDemoOnly00000';

export interface DemoLearner {
  subject: string;
  name: string;
  email: string;
  role: LearnerRole;
  classes: string[];
}

export const demoLearners: readonly DemoLearner[] = [
  {
    subject: 'ada',
    name: 'Ada Lovelace',
    email: 'ada@northwind.test',
    role: 'learner',
    classes: ['cs-101', 'math-201'],
  },
  {
    subject: 'alan',
    name: 'Alan Turing',
    email: 'alan@northwind.test',
    role: 'learner',
    classes: ['cs-101'],
  },
  {
    subject: 'grace',
    name: 'Grace Hopper',
    email: 'grace@northwind.test',
    role: 'admin',
    classes: ['cs-101', 'staff'],
  },
];

const enterpriseFeatures = defaultTiers.find((t) => t.id === 'enterprise')!.features;

/**
 * A learner token for a demo learner, signed the way a customer's backend would sign one:
 * HS256 with the license's signing secret, `aud` liberation-kit, `iss` the license id.
 */
export async function signDemoLearnerToken(
  subject: string,
  options: { clock?: Clock; lifetimeSeconds?: number } = {},
): Promise<string> {
  const learner = demoLearners.find((l) => l.subject === subject);
  if (!learner) throw new Error(`no demo learner ${subject}`);
  const now = Math.floor((options.clock?.now() ?? new Date()).getTime() / 1000);
  return new SignJWT({
    name: learner.name,
    email: learner.email,
    role: learner.role,
    classes: learner.classes,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(learner.subject)
    .setIssuer(DEMO_LICENSE_ID)
    .setAudience(LEARNER_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 3600))
    .sign(new TextEncoder().encode(demoSigningSecret));
}

/**
 * Creates (or refreshes) the demo tenants. With `secrets` (the server's secrets key) the demo
 * academy also gets its fixed signing secret, so demo learner tokens verify.
 */
export async function seedDemo(
  store: Store,
  clock: Clock,
  origins: string[],
  options: { secrets?: SecretBox } = {},
): Promise<void> {
  const now = clock.now();
  const rows: NewLicense[] = [
    {
      id: DEMO_LICENSE_ID,
      name: 'Northwind Academy',
      plan: 'enterprise',
      status: 'active',
      mode: 'test',
      publishableKey: demoKeys.academy,
      allowedOrigins: origins,
      features: [...enterpriseFeatures],
      limits: { api_requests: 1_000_000, active_learners: 10_000 },
      // The load benchmark drives this tenant from one client: measure the server, not the limiter.
      rateLimitPerMinute: 100_000_000,
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
  await store.write(async (tx) => {
    for (const row of rows) {
      await tx
        .insert(licenses)
        .values(row)
        .onConflictDoUpdate({
          target: licenses.id,
          set: {
            allowedOrigins: row.allowedOrigins,
            rateLimitPerMinute: row.rateLimitPerMinute ?? null,
            updatedAt: now,
          },
        });
    }
    await tx
      .insert(licenseSecretKeys)
      .values({
        id: 'sk_demo_academy',
        licenseId: DEMO_LICENSE_ID,
        hash: sha256Hex(demoKeys.academySecret),
        hint: demoKeys.academySecret.slice(-4),
        createdAt: now,
        expiresAt: null,
      })
      .onConflictDoNothing();
    if (options.secrets) {
      // Sealed again at every start: the secrets key may have changed since the last one.
      const ciphertext = options.secrets.seal(
        demoSigningSecret,
        signingSecretContext(DEMO_LICENSE_ID, 'ss_demo_academy'),
      );
      await tx
        .insert(licenseSigningSecrets)
        .values({
          id: 'ss_demo_academy',
          licenseId: DEMO_LICENSE_ID,
          ciphertext,
          hint: demoSigningSecret.slice(-4),
          createdAt: now,
          expiresAt: null,
        })
        .onConflictDoUpdate({ target: licenseSigningSecrets.id, set: { ciphertext } });
    }
    for (const [i, learner] of demoLearners.entries()) {
      await tx
        .insert(learners)
        .values({
          id: `lrn_demo_${learner.subject}`,
          licenseId: DEMO_LICENSE_ID,
          subject: learner.subject,
          name: learner.name,
          email: learner.email,
          role: learner.role,
          classes: learner.classes,
          createdAt: new Date(now.getTime() + i),
          updatedAt: now,
          lastSeenAt: now,
        })
        .onConflictDoNothing();
    }
  });
  await seedDemoCourses(store, clock, DEMO_LICENSE_ID);
}
