import { SignJWT } from 'jose';
import { presets } from '../themes/presets.js';
import type { Theme } from '../themes/tokens.js';
import type { Store } from '../server/db/store.js';
import { defaultTiers } from '../server/modules/billing/tiers.js';
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
import { RewardsService } from '../server/modules/rewards/service.js';
import { ThemeService } from '../server/modules/themes/service.js';
import type { Clock } from '../server/services.js';
import { DEMO_LICENSE_ID, demoLearners, demoSigningSecret } from './seed.js';

/**
 * The demo portal's second tenant, a studio with a theme of its own, served by the same
 * server: white-label side by side. Its keys are fixed for the demo only.
 */
export const STUDIO_LICENSE_ID = 'lic_demo_studio';

export const studioKeys = {
  publishable: keyWithBody('pk', 'test', 'DemoSunsetStudio00000001'),
  secret: keyWithBody('sk', 'test', 'DemoSunsetStudioSrv00001'),
} as const;

export const studioSigningSecret = 'lxsig_DemoSunsetStudioSigningSecretForTheDemoOnly0';

/** Sunset Studio: coral and plum, rounded type, large radius, always dark. */
export const studioTheme: Theme = { ...presets.sunset, mode: 'dark' };

export type DemoTenant = 'academy' | 'studio';

export const demoTenants: Record<DemoTenant, { licenseId: string; signingSecret: string }> = {
  academy: { licenseId: DEMO_LICENSE_ID, signingSecret: demoSigningSecret },
  studio: { licenseId: STUDIO_LICENSE_ID, signingSecret: studioSigningSecret },
};

/**
 * Learners who only appear on the leaderboards (nobody signs in as them), so the boards
 * have life: scores, a shared class with Ada and a friendship or two.
 */
const classmates = [
  { id: 'katherine', name: 'Katherine Johnson', classes: ['math-201'], tokens: 240 },
  { id: 'edsger', name: 'Edsger Dijkstra', classes: ['cs-101'], tokens: 195 },
  { id: 'barbara', name: 'Barbara Liskov', classes: ['cs-101', 'math-201'], tokens: 150 },
  { id: 'margaret', name: 'Margaret Hamilton', classes: ['cs-101'], tokens: 150 },
  { id: 'donald', name: 'Donald Knuth', classes: ['math-201'], tokens: 90 },
  { id: 'radia', name: 'Radia Perlman', classes: ['cs-101'], tokens: 60 },
] as const;

const signedInLearnerTokens: Record<string, number> = { ada: 120, alan: 150, grace: 210 };

const friendships: Record<string, string[]> = {
  ada: ['alan', 'katherine', 'grace'],
  alan: ['ada', 'edsger'],
  grace: ['ada', 'margaret'],
};

/**
 * A learner token for one of the demo learners on either demo tenant, signed as a customer's
 * backend signs it: HS256 with that license's signing secret.
 */
export async function signTenantLearnerToken(
  tenant: DemoTenant,
  subject: string,
  options: { clock: Clock; lifetimeSeconds: number },
): Promise<string> {
  const learner = demoLearners.find((l) => l.subject === subject);
  if (!learner) throw new Error(`no demo learner ${subject}`);
  const { licenseId, signingSecret } = demoTenants[tenant];
  const now = Math.floor(options.clock.now().getTime() / 1000);
  return new SignJWT({
    name: learner.name,
    email: learner.email,
    role: learner.role,
    classes: learner.classes,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(learner.subject)
    .setIssuer(licenseId)
    .setAudience(LEARNER_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + options.lifetimeSeconds)
    .sign(new TextEncoder().encode(signingSecret));
}

async function seedStudio(
  store: Store,
  clock: Clock,
  origins: string[],
  secrets: SecretBox | undefined,
) {
  const now = clock.now();
  const row: NewLicense = {
    id: STUDIO_LICENSE_ID,
    name: 'Sunset Studio',
    plan: 'pro',
    status: 'active',
    mode: 'test',
    publishableKey: studioKeys.publishable,
    allowedOrigins: origins,
    features: [...defaultTiers.find((t) => t.id === 'pro')!.features],
    limits: { api_requests: 1_000_000, active_learners: 1_000 },
    locale: 'en',
    currency: 'EUR',
    createdAt: now,
    updatedAt: now,
  };
  await store.write(async (tx) => {
    await tx
      .insert(licenses)
      .values(row)
      .onConflictDoUpdate({
        target: licenses.id,
        set: { allowedOrigins: row.allowedOrigins, updatedAt: now },
      });
    await tx
      .insert(licenseSecretKeys)
      .values({
        id: 'sk_demo_studio',
        licenseId: STUDIO_LICENSE_ID,
        hash: sha256Hex(studioKeys.secret),
        hint: studioKeys.secret.slice(-4),
        createdAt: now,
        expiresAt: null,
      })
      .onConflictDoNothing();
    if (secrets) {
      const ciphertext = secrets.seal(
        studioSigningSecret,
        signingSecretContext(STUDIO_LICENSE_ID, 'ss_demo_studio'),
      );
      await tx
        .insert(licenseSigningSecrets)
        .values({
          id: 'ss_demo_studio',
          licenseId: STUDIO_LICENSE_ID,
          ciphertext,
          hint: studioSigningSecret.slice(-4),
          createdAt: now,
          expiresAt: null,
        })
        .onConflictDoUpdate({ target: licenseSigningSecrets.id, set: { ciphertext } });
    }
  });
  const themes = new ThemeService(store, clock, 0);
  if (!(await themes.published(STUDIO_LICENSE_ID))) {
    await themes.saveDraft(STUDIO_LICENSE_ID, studioTheme, 'demo-seed');
    await themes.publish(STUDIO_LICENSE_ID, { note: 'Demo seed' }, 'demo-seed');
  }
}

async function seedRewards(store: Store, clock: Clock, licenseId: string, tokenName: string) {
  const rewards = new RewardsService(store, clock);
  const { ledger, leaderboards, redemptions } = rewards;
  if ((await ledger.settings(licenseId)).tokenName === null) {
    await ledger.updateSettings(licenseId, { tokenName });
  }
  if ((await ledger.rules(licenseId)).length === 0) {
    await ledger.setRule(licenseId, { activity: 'lesson.completed', amount: 10, dailyCap: 100 });
    await ledger.setRule(licenseId, { activity: 'quiz.passed', amount: 25, dailyCap: null });
    await ledger.setRule(licenseId, { activity: 'course.completed', amount: 100, dailyCap: null });
    await ledger.setRule(licenseId, { activity: 'streak.day', amount: 5, dailyCap: 5 });
  }
  if ((await redemptions.items(licenseId)).length === 0) {
    await redemptions.createItem(licenseId, {
      kind: 'feature_unlock',
      title: 'Offline downloads for a month',
      description: 'Take any course with you, no connection needed.',
      cost: 100,
      perLearnerLimit: 3,
      details: { feature: 'offline_downloads', days: 30 },
    });
    await redemptions.createItem(licenseId, {
      kind: 'course_coupon',
      title: '20 % off your next course',
      description: 'A coupon the checkout accepts on any course.',
      cost: 200,
      details: { percentOff: 20 },
    });
    await redemptions.createItem(licenseId, {
      kind: 'merchandise',
      title: 'Hoodie',
      description: 'Organic cotton, shipped to your door.',
      cost: 800,
      stock: 25,
      perLearnerLimit: 1,
    });
  }
  const learnersWithScores = [
    ...demoLearners.map((l) => ({
      id: l.subject,
      name: l.name,
      classes: l.classes,
      tokens: signedInLearnerTokens[l.subject] ?? 0,
    })),
    ...classmates,
  ];
  for (const learner of learnersWithScores) {
    await leaderboards.touchProfile(licenseId, learner.id, {
      displayName: learner.name,
      classes: [...learner.classes],
    });
    // Fixed idempotency keys: seeding at every start credits each learner once.
    await ledger.bonus(licenseId, {
      learnerId: learner.id,
      amount: learner.tokens,
      reason: 'Welcome to the demo',
      idempotencyKey: `demo-seed-${learner.id}`,
    });
  }
  for (const [learnerId, friends] of Object.entries(friendships)) {
    await leaderboards.setFriends(licenseId, learnerId, friends);
  }
}

/**
 * What the demo portal adds to the demo seed: the second tenant with its own theme and
 * signing secret, and token rewards (rules, a catalog, scores, classes, friends) on both.
 */
export async function seedPortalDemo(
  store: Store,
  clock: Clock,
  origins: string[],
  options: { secrets?: SecretBox } = {},
): Promise<void> {
  await seedStudio(store, clock, origins, options.secrets);
  await seedRewards(store, clock, DEMO_LICENSE_ID, 'Stars');
  await seedRewards(store, clock, STUDIO_LICENSE_ID, 'Sparks');
}
