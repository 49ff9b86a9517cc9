import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../../db/columns.js';

export const licenseStatuses = ['active', 'suspended', 'revoked'] as const;
export type LicenseStatus = (typeof licenseStatuses)[number];

/** One enterprise customer (tenant). Every other table hangs off a license id. */
export const licenses = sqliteTable(
  'licenses',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    plan: text().notNull(),
    status: text({ enum: licenseStatuses }).notNull().default('active'),
    mode: text({ enum: ['test', 'live'] }).notNull(),
    publishableKey: text().notNull().unique(),
    allowedOrigins: text({ mode: 'json' }).$type<string[]>().notNull(),
    features: text({ mode: 'json' }).$type<string[]>().notNull(),
    limits: text({ mode: 'json' }).$type<Record<string, number>>().notNull(),
    locale: text().notNull().default('en'),
    currency: text().notNull().default('USD'),
    expiresAt: integer({ mode: 'timestamp_ms' }),
    ...timestamps,
  },
  (t) => [index('licenses_status_idx').on(t.status)],
);

export type License = typeof licenses.$inferSelect;
export type NewLicense = typeof licenses.$inferInsert;
