import { integer, primaryKey, table, text } from '../../db/kit.js';
import { tenantId } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';

/**
 * Usage per license, metric and UTC day. A month's usage is the sum of its days, so the
 * dashboard's history and the limit checks read the same rows.
 */
export const usageDaily = table(
  'usage_daily',
  {
    licenseId: tenantId().references(() => licenses.id),
    metric: text().notNull(),
    /** `YYYY-MM-DD`, UTC. */
    day: text().notNull(),
    value: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.metric, t.day] })],
);

/** Which learners (by the customer's subject) were active in which month, to count them once. */
export const usageActiveLearners = table(
  'usage_active_learners',
  {
    licenseId: tenantId().references(() => licenses.id),
    /** `YYYY-MM`, UTC. */
    month: text().notNull(),
    subject: text().notNull(),
    firstSeenAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.month, t.subject] })],
);
