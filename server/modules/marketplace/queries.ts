import { and, eq } from 'drizzle-orm';
import { ApiError } from '../../errors.js';
import { courseMaterials, courses } from './schema.js';

/* Where-clauses every part of the marketplace scopes its reads and writes with. */

/** A course of the license. */
export const courseKey = (licenseId: string, courseId: string) =>
  and(eq(courses.licenseId, licenseId), eq(courses.id, courseId));

/** A material of a course of the license. */
export const materialKey = (licenseId: string, courseId: string, materialId: string) =>
  and(
    eq(courseMaterials.licenseId, licenseId),
    eq(courseMaterials.courseId, courseId),
    eq(courseMaterials.id, materialId),
  );

/** The same answer for a course that does not exist and one the caller may not see. */
export function courseNotFound(courseId: string): ApiError {
  return new ApiError('not_found', `No course ${courseId} here.`);
}
