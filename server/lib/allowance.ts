/**
 * A monthly allowance of the license's plan that a module uses up as it writes (a course
 * published, a redemption made): the usage meter, handed to the module at construction
 * (`server/services.ts`), so the module knows nothing of how usage is counted.
 */
export interface Allowance {
  /**
   * Counts one unit for the license, or rejects with `usage_limit_exceeded` (429, counting
   * nothing) when a hard limit is used up. Resolves to what gives the unit back.
   */
  consume(licenseId: string): Promise<() => void | Promise<void>>;
}

/** An allowance without limits, for services built without a meter (tools, benchmarks). */
export const unlimited: Allowance = { consume: () => Promise.resolve(() => {}) };

/**
 * Runs `write`, a write that calls `consume` where it decides to use a unit. A refusal thrown
 * by `consume` rolls the write back, so it leaves no trace; a write that fails after counting
 * gives its units back, so only what was committed stays counted. Between the count and its
 * return another request may see the unit taken and be refused: a limit is never overshot.
 */
export async function spending<T>(
  allowance: Allowance,
  licenseId: string,
  write: (consume: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const releases: (() => void | Promise<void>)[] = [];
  try {
    return await write(async () => {
      releases.push(await allowance.consume(licenseId));
    });
  } catch (error) {
    for (const release of releases) await release();
    throw error;
  }
}
