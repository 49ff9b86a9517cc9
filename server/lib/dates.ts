/** A timestamp as an ISO 8601 string in UTC, or null when there is none. */
export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
