/**
 * Revenue splits in integer minor units. Every amount is allocated whole by the largest
 * remainder method, so the parts always add up to the amount, whatever the currency's exponent.
 */

export const BPS = 10_000;

/**
 * Splits `amount` (integer ≥ 0) in proportion to `weights` (integers ≥ 0, not all 0). Each
 * part gets the floor of its exact share; the units left over go one each to the largest
 * fractional remainders, ties to the earlier weight.
 */
export function allocate(amount: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError('amount must be an integer ≥ 0');
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new RangeError('weights must be integers ≥ 0');
  }
  const total = weights.reduce((a, w) => a + BigInt(w), 0n);
  if (total === 0n) throw new RangeError('weights must not all be 0');
  const a = BigInt(amount);
  const parts = weights.map((w) => (a * BigInt(w)) / total);
  const remainders = weights.map((w, i) => ({ i, r: (a * BigInt(w)) % total }));
  let left = a - parts.reduce((s, p) => s + p, 0n);
  remainders.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

export interface Split {
  instructor: number;
  platform: number;
}

/** The instructor's and the platform's share of `amount` for an instructor share in basis points. */
export function splitAmount(amount: number, instructorBps: number): Split {
  if (!Number.isInteger(instructorBps) || instructorBps < 0 || instructorBps > BPS) {
    throw new RangeError('instructorBps must be an integer from 0 to 10000');
  }
  const [instructor, platform] = allocate(amount, [instructorBps, BPS - instructorBps]);
  return { instructor: instructor!, platform: platform! };
}

/**
 * How much of each share `refunded` (the total refunded so far) takes back: the shares of the
 * original split allocated in proportion, so the last refund of a payment reverses exactly
 * what is left of each share. Reverse the difference between two calls for one refund.
 */
export function refundedShares(original: Split, refunded: number): Split {
  const paid = original.instructor + original.platform;
  if (!Number.isSafeInteger(refunded) || refunded < 0 || refunded > paid) {
    throw new RangeError('refunded must be an integer from 0 to the amount paid');
  }
  if (paid === 0) return { instructor: 0, platform: 0 };
  const [instructor, platform] = allocate(refunded, [original.instructor, original.platform]);
  return { instructor: instructor!, platform: platform! };
}
