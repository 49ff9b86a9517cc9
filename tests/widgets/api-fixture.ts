import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../server/app.js';
import { applyMigrations, openDatabase } from '../../server/db/client.js';
import { createLogger } from '../../server/logger.js';
import { SignJWT } from 'jose';
import Stripe from 'stripe';
import { createStripeEmulator } from '../../demo/stripe-emulator/index.js';
import { keyWithBody } from '../../server/modules/licenses/keys.js';
import { LicenseCreateInput } from '../../server/modules/licenses/contract.js';
import { CourseInput, InstructorInput } from '../../server/modules/marketplace/contract.js';
import { licenses, type NewLicense } from '../../server/modules/licenses/schema.js';
import { LEARNER_TOKEN_AUDIENCE } from '../../server/modules/learners/tokens.js';
import { supportTickets } from '../../server/modules/support/schema.js';
import { usageDaily } from '../../server/modules/usage/schema.js';
import { createServices, type Services } from '../../server/services.js';
import { eq } from 'drizzle-orm';
import { presets } from '../../themes/presets.js';
import { seedCourses, type CoursesFixture } from './courses-fixture.js';

export interface WidgetFixtures {
  api: string;
  keys: {
    valid: string;
    revoked: string;
    suspended: string;
    expired: string;
    foreignOrigin: string;
    overLimit: string;
    unknown: string;
    malformed: string;
    /** An active license whose default locale is fr-CA. */
    french: string;
  };
  /** A license with token rewards: learners' tokens and what they hold (see seedRewards). */
  rewards: RewardsFixture;
  /** Enterprise licenses for the usage dashboard (see seedUsage). */
  usage: UsageFixture;
  /** Licenses with published themes, and one for the theme editor (see seedThemes). */
  themes: ThemesFixture;
  /** A course marketplace for the catalog (see seedCourses). */
  courses: CoursesFixture;
  /** Payments through the bundled Stripe emulator (see seedPayments). */
  payments: PaymentsFixture;
}

export interface PaymentsFixture {
  license: string;
  /** The emulator's stand-in Stripe.js, as the embed configuration names it. */
  stripeJsUrl: string;
  /** Signed-in learners, one per test, so no test meets another's open payment. */
  tokens: Record<string, string>;
  /** A published course at $49.00 by Grace Hopper. */
  courseId: string;
  /** A 10 % course coupon the learner `coupon` redeemed with tokens. */
  coupon: string;
}

export interface ThemesFixture {
  /** Evergreen Academy preset published as version 1. */
  evergreen: string;
  /** Sunset Studio preset (mode auto) published as version 1. */
  sunset: string;
  /** Nothing published yet; the theme editor tests work on it. */
  editor: string;
  /** Nothing published yet; the theming tests publish to it through the API. */
  live: string;
  /** Learner tokens for `editor`, and an admin token for `live`. */
  tokens: { admin: string; learner: string; liveAdmin: string };
}

export interface UsageFixture {
  /** Seeded usage (courses 8 of 10 hard, redemptions 5 of 4 soft) and one breached ticket. */
  license: string;
  /** No tickets and no usage yet. */
  quiet: string;
  tokens: { admin: string; learner: string; quietAdmin: string };
}

export interface RewardsFixture {
  license: string;
  tokens: { ada: string; bob: string; poor: string; hidden: string };
}

/**
 * A real API server on 127.0.0.1 with a fresh SQLite file, for the widget tests running in
 * Chromium. Licenses cover every state a widget must render.
 */
export async function startWidgetApi(pageOrigin: string): Promise<{
  fixtures: WidgetFixtures;
  stop(): Promise<void>;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-widgets-'));
  const database = openDatabase(path.join(dir, 'test.db'));
  applyMigrations(database);
  const now = new Date();
  const keys = {
    valid: keyWithBody('pk', 'test', 'WidgetTestValid000000001'),
    revoked: keyWithBody('pk', 'test', 'WidgetTestRevoked0000001'),
    suspended: keyWithBody('pk', 'test', 'WidgetTestSuspended00001'),
    expired: keyWithBody('pk', 'test', 'WidgetTestExpired0000001'),
    foreignOrigin: keyWithBody('pk', 'test', 'WidgetTestForeign0000001'),
    overLimit: keyWithBody('pk', 'test', 'WidgetTestOverLimit00001'),
    unknown: keyWithBody('pk', 'test', 'WidgetTestUnknown0000001'),
    malformed: 'pk_test_not-a-real-key',
    french: keyWithBody('pk', 'test', 'WidgetTestFrench00000001'),
  };
  const base = (id: string, publishableKey: string): NewLicense => ({
    id,
    name: `Widget test ${id}`,
    plan: 'pro',
    status: 'active',
    mode: 'test',
    publishableKey,
    allowedOrigins: [pageOrigin],
    features: ['course_catalog'],
    limits: {},
    locale: 'en',
    currency: 'USD',
    createdAt: now,
    updatedAt: now,
  });
  database.db
    .insert(licenses)
    .values([
      base('lic_w_valid', keys.valid),
      { ...base('lic_w_revoked', keys.revoked), status: 'revoked' },
      { ...base('lic_w_suspended', keys.suspended), status: 'suspended' },
      { ...base('lic_w_expired', keys.expired), expiresAt: new Date(now.getTime() - 60_000) },
      { ...base('lic_w_foreign', keys.foreignOrigin), allowedOrigins: ['https://elsewhere.test'] },
      // A hard monthly allowance of zero requests: every call is over the limit.
      { ...base('lic_w_limit', keys.overLimit), limits: { api_requests: 0 } },
      { ...base('lic_w_french', keys.french), locale: 'fr-CA', currency: 'CAD' },
    ])
    .run();

  // Payments go to the bundled Stripe emulator, whose signed webhooks come back to this API.
  const emulator = createStripeEmulator({
    delivery: { initialBackoffMs: 20, maxAttempts: 6, timeoutMs: 5000 },
  });
  await emulator.start();
  const webhookSecret = 'whsec_widgetTests';
  const services = createServices({
    config: {
      bodyLimitBytes: 1024 * 1024,
      licenseCacheTtlMs: 30_000,
      stripePublishableKey: 'pk_test_widgetTests',
      stripeWebhookSecret: webhookSecret,
      stripeJsUrl: emulator.stripeJsUrl,
      dataDir: dir,
    },
    database,
    logger: createLogger('silent'),
    stripe: new Stripe('sk_test_widgetTests', { ...emulator.sdkConfig, maxNetworkRetries: 0 }),
  });
  const rewards = await seedRewards(services, pageOrigin);
  const usage = await seedUsage(services, pageOrigin);
  const themes = await seedThemes(services, pageOrigin);
  const courses = await seedCourses(services, pageOrigin);
  const payments = await seedPayments(services, pageOrigin, emulator.stripeJsUrl);
  const app = createApp(services);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  emulator.webhooks.addEndpoint({
    url: `http://127.0.0.1:${port}/v1/webhooks/stripe`,
    secret: webhookSecret,
  });
  return {
    fixtures: { api: `http://127.0.0.1:${port}`, keys, rewards, usage, themes, payments, courses },
    stop: async () => {
      await emulator.stop();
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tenant that sells through the emulator, and learners who buy from it. */
async function seedPayments(
  services: Services,
  pageOrigin: string,
  stripeJsUrl: string,
): Promise<PaymentsFixture> {
  const created = services.licenseAdmin.create(
    LicenseCreateInput.parse({
      name: 'Widget payments',
      plan: 'enterprise',
      origins: [pageOrigin],
    }),
  );
  const id = created.license.id;
  const instructor = services.marketplace.createInstructor(
    id,
    InstructorInput.parse({ name: 'Grace Hopper' }),
  );
  const course = services.marketplace.authoring.createCourse(
    { licenseId: id, instructorId: null },
    CourseInput.parse({
      instructorId: instructor.id,
      title: 'Compilers from scratch',
      category: 'computer science',
      level: 'intermediate',
      language: 'en',
      price: { amount: 4900, currency: 'USD' },
      status: 'published',
    }),
  );
  const { ledger, redemptions } = services.rewards;
  ledger.bonus(id, { learnerId: 'coupon', amount: 100, reason: 'welcome' });
  const reward = redemptions.createItem(id, {
    kind: 'course_coupon',
    title: '10% off a course',
    cost: 50,
    details: { percentOff: 10 },
  });
  const redeemed = redemptions.redeem(id, 'coupon', {
    itemId: reward.id,
    idempotencyKey: 'widget-coupon',
  });
  const now = Math.floor(Date.now() / 1000);
  const names = [
    ...['paid', 'declined', 'authenticated', 'lazy', 'coupon', 'plan', 'dialog'],
    ...['subscriber', 'trial', 'refused', 'tier', 'relay', 'changer'],
  ];
  const tokens: Record<string, string> = {};
  for (const sub of names) {
    tokens[sub] = await new SignJWT({ name: sub })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(created.license.id)
      .setAudience(LEARNER_TOKEN_AUDIENCE)
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(created.signingSecret!));
  }
  return {
    license: created.license.publishableKey,
    stripeJsUrl,
    tokens,
    courseId: course.id,
    coupon: redeemed.couponCode!,
  };
}

/**
 * A rewards tenant: Ada (120 tokens, top of the board), Bob (60), Poor (5), Hidden (90, opted
 * out of leaderboards), a catalog with a coupon and merchandise, and a few transactions.
 */
async function seedRewards(services: Services, pageOrigin: string): Promise<RewardsFixture> {
  const created = services.licenseAdmin.create(
    LicenseCreateInput.parse({ name: 'Widget rewards', plan: 'enterprise', origins: [pageOrigin] }),
  );
  const id = created.license.id;
  const { ledger, redemptions, leaderboards } = services.rewards;
  ledger.updateSettings(id, { tokenName: 'Stars' });
  ledger.setRule(id, { activity: 'lesson.completed', amount: 20, dailyCap: null });
  const people = [
    ['ada', 'Ada Lovelace', 120],
    ['bob', 'Bob Stone', 60],
    ['poor', 'Pat Poor', 5],
    ['hidden', 'Hedy Hidden', 90],
  ] as const;
  for (const [sub, name, amount] of people) {
    leaderboards.touchProfile(id, sub, { displayName: name, classes: ['bio-101'] });
    ledger.bonus(id, { learnerId: sub, amount, reason: 'welcome' });
  }
  for (let i = 0; i < 3; i++) {
    ledger.earn(id, { learnerId: 'ada', activity: 'lesson.completed', idempotencyKey: `ada-${i}` });
  }
  leaderboards.setOptOut(id, 'hidden', true);
  redemptions.createItem(id, {
    kind: 'course_coupon',
    title: '10% off a course',
    description: 'Any course in the catalog',
    cost: 50,
    details: { percentOff: 10 },
  });
  redemptions.createItem(id, { kind: 'merchandise', title: 'Hoodie', cost: 150, stock: 3 });
  const now = Math.floor(Date.now() / 1000);
  const sign = (sub: string, name: string) =>
    new SignJWT({ name, classes: ['bio-101'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(id)
      .setAudience('liberation-kit')
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(created.signingSecret!));
  const [ada, bob, poor, hidden] = await Promise.all(people.map(([sub, name]) => sign(sub, name)));
  return {
    license: created.license.publishableKey,
    tokens: { ada: ada!, bob: bob!, poor: poor!, hidden: hidden! },
  };
}

/** Themed tenants: two with a published preset, one left to the theme editor tests. */
async function seedThemes(services: Services, pageOrigin: string): Promise<ThemesFixture> {
  const create = (name: string) =>
    services.licenseAdmin.create(
      LicenseCreateInput.parse({ name, plan: 'enterprise', origins: [pageOrigin] }),
    );
  const published = (name: string, theme: unknown) => {
    const created = create(name);
    services.themes.saveDraft(created.license.id, theme, 'seed');
    services.themes.publish(created.license.id, {}, 'seed');
    return created.license.publishableKey;
  };
  const evergreen = published('Evergreen Academy', presets.evergreen);
  const sunset = published('Sunset Studio', presets.sunset);
  const editor = create('Editor Academy');
  const live = create('Live Academy');
  const now = Math.floor(Date.now() / 1000);
  const sign = (license: typeof editor, sub: string, role: 'admin' | 'learner') =>
    new SignJWT({ name: sub, role })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(license.license.id)
      .setAudience('liberation-kit')
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(license.signingSecret!));
  return {
    evergreen,
    sunset,
    editor: editor.license.publishableKey,
    live: live.license.publishableKey,
    tokens: {
      admin: await sign(editor, 'brand-admin', 'admin'),
      learner: await sign(editor, 'student', 'learner'),
      liveAdmin: await sign(live, 'brand-admin', 'admin'),
    },
  };
}

/**
 * Usage dashboard tenants: one with usage over the last days of this month (near a hard limit,
 * past a soft one) and a ticket whose first response is overdue, one with nothing yet.
 */
async function seedUsage(services: Services, pageOrigin: string): Promise<UsageFixture> {
  const create = (name: string) =>
    services.licenseAdmin.create(
      LicenseCreateInput.parse({
        name,
        plan: 'enterprise',
        origins: [pageOrigin],
        limits: { courses: 10, redemptions: 4 },
        limitEnforcement: { courses: 'hard', redemptions: 'soft' },
      }),
    );
  const busy = create('Usage Academy');
  const quiet = create('Quiet Academy');
  const id = busy.license.id;
  const today = Date.now();
  const month = new Date(today).toISOString().slice(0, 7);
  // Spread over the days before today that are still in this month, so the chart has bars.
  const days = [2, 1, 0]
    .map((back) => new Date(today - back * 86_400_000).toISOString().slice(0, 10))
    .filter((day) => day.startsWith(month));
  const rows: { metric: string; total: number }[] = [
    { metric: 'courses', total: 8 },
    { metric: 'redemptions', total: 5 },
  ];
  const values = rows.flatMap(({ metric, total }) =>
    days.map((day, i) => ({
      licenseId: id,
      metric,
      day,
      value:
        i === days.length - 1
          ? total - Math.floor(total / days.length) * i
          : Math.floor(total / days.length),
    })),
  );
  services.database.db.insert(usageDaily).values(values).run();
  // The meter may already hold this month's totals in memory; have it read the rows back.
  await services.usage.flush();
  const row = services.database.db.select().from(licenses).where(eq(licenses.id, id)).get()!;
  const ticket = await services.support.open(
    row,
    { kind: 'server', name: 'Usage Academy (server)' },
    { subject: 'Checkout <b>fails</b> for some learners', body: 'Since Monday.', priority: 'high' },
  );
  services.database.db
    .update(supportTickets)
    .set({ firstResponseDueAt: new Date(today - 3 * 3_600_000) })
    .where(eq(supportTickets.id, ticket.id))
    .run();
  const now = Math.floor(today / 1000);
  const sign = (license: typeof busy, sub: string, role: 'admin' | 'learner') =>
    new SignJWT({ name: sub, role })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(license.license.id)
      .setAudience(LEARNER_TOKEN_AUDIENCE)
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode(license.signingSecret!));
  return {
    license: busy.license.publishableKey,
    quiet: quiet.license.publishableKey,
    tokens: {
      admin: await sign(busy, 'ops-admin', 'admin'),
      learner: await sign(busy, 'student', 'learner'),
      quietAdmin: await sign(quiet, 'ops-admin', 'admin'),
    },
  };
}
