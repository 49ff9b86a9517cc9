import { integer, table, text, uniqueIndex } from '../../db/kit.js';
import { tenantId, timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';
import { learnerRoles } from './contract.js';

// The demo seeds learners with these; they are the API's words, defined once in the contract.
export type { LearnerRole } from './contract.js';

/**
 * A learner as the customer's backend describes it in its tokens. Created the first time a
 * license's token names a subject; the customer's `sub` is unique only within its license.
 */
export const learners = table(
  'learners',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    subject: text().notNull(),
    name: text().notNull(),
    email: text(),
    role: text({ enum: learnerRoles }).notNull(),
    classes: text({ mode: 'json' }).$type<string[]>().notNull(),
    ...timestamps,
    /** When a new token for this learner was last verified (not every request: tokens are cached). */
    lastSeenAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('learners_license_subject_idx').on(t.licenseId, t.subject)],
);

export type LearnerRow = typeof learners.$inferSelect;
