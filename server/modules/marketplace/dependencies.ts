import type { Db } from '../../db/store.js';
import type { Allowance } from '../../lib/allowance.js';

/*
 * What the marketplace needs from other modules, handed in at construction
 * (server/services.ts), so that it reads no other module's tables.
 */

/** The license's monthly allowance of courses published (the usage meter's `courses`). */
export type CourseAllowance = Allowance;

/**
 * Learners by license and server id (the learners module), read inside the caller's
 * transaction when given one: events name a learner by the customer's `subject`.
 */
export interface LearnerDirectory {
  find(db: Db, licenseId: string, learnerId: string): Promise<{ subject: string } | undefined>;
}
