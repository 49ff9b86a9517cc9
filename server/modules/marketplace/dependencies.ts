import type { Allowance } from '../../lib/allowance.js';

/*
 * What the marketplace needs from other modules, handed in at construction
 * (server/services.ts), so that it reads no other module's tables.
 */

/** The license's monthly allowance of courses published (the usage meter's `courses`). */
export type CourseAllowance = Allowance;
