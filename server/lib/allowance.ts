/**
 * A monthly allowance of the license's plan that a module uses up as it writes (a course
 * published, a redemption made): the usage meter, handed to the module at construction
 * (`server/services.ts`), so the module knows nothing of how usage is counted.
 */
export interface Allowance {
  /**
   * Counts one unit for the license, or throws `usage_limit_exceeded` (429, counting nothing)
   * when a hard limit is used up. Returns what gives the unit back.
   */
  consume(licenseId: string): () => void;
}

/** An allowance without limits, for services built without a meter (tools, benchmarks). */
export const unlimited: Allowance = { consume: () => () => {} };

/**
 * Runs `write`, a synchronous write transaction that calls `consume` where it decides to use a
 * unit. A refusal thrown by `consume` rolls the transaction back, so it leaves no trace; a
 * transaction that fails after counting gives its units back, so only what was committed is
 * counted. Both happen in one turn of the event loop: no other request sees the unit in between.
 */
export function spending<T>(
  allowance: Allowance,
  licenseId: string,
  write: (consume: () => void) => T,
): T {
  const releases: (() => void)[] = [];
  try {
    return write(() => {
      releases.push(allowance.consume(licenseId));
    });
  } catch (error) {
    for (const release of releases) release();
    throw error;
  }
}
