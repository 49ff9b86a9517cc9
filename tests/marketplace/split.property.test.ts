import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  BPS,
  refundedShares,
  splitAmount,
} from '../../server/modules/marketplace/split.js';

/** Amounts as they occur in minor units of currencies with exponent 0, 2 and 3. */
const amount = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc.integer({ min: 0, max: 10_000_000 }),
  fc.integer({ min: 0, max: 10_000_000_000 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
);
const bps = fc.oneof(
  fc.constantFrom(7000, 7500, 0, BPS, 1, 9999, 5000, 3333),
  fc.integer({ min: 0, max: BPS }),
);

describe('revenue split', () => {
  it('always sums to the amount, never goes negative, and is within one unit of exact', () => {
    fc.assert(
      fc.property(amount, bps, (paid, share) => {
        const { instructor, platform } = splitAmount(paid, share);
        expect(instructor + platform).toBe(paid);
        expect(instructor).toBeGreaterThanOrEqual(0);
        expect(platform).toBeGreaterThanOrEqual(0);
        const exact = (BigInt(paid) * BigInt(share) * 2n) / BigInt(BPS); // twice the exact share
        expect(Math.abs(Number(BigInt(instructor) * 2n - exact))).toBeLessThanOrEqual(2);
      }),
      { numRuns: 2000 },
    );
  });

  it('splits the demo prices as documented: 70/30 and 75/25', () => {
    expect(splitAmount(4999, 7000)).toEqual({ instructor: 3499, platform: 1500 });
    expect(splitAmount(3333, 7500)).toEqual({ instructor: 2500, platform: 833 });
    expect(splitAmount(1, 7000)).toEqual({ instructor: 1, platform: 0 });
    expect(splitAmount(0, 7000)).toEqual({ instructor: 0, platform: 0 });
  });

  it('allocates any weights by largest remainder, summing exactly', () => {
    fc.assert(
      fc.property(
        amount,
        fc
          .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 6 })
          .filter((w) => w.some((x) => x > 0)),
        (paid, weights) => {
          const parts = allocate(paid, weights);
          expect(parts.reduce((s, p) => s + p, 0)).toBe(paid);
          const total = weights.reduce((s, w) => s + w, 0);
          for (const [i, p] of parts.entries()) {
            expect(p).toBeGreaterThanOrEqual(0);
            const floor = Number((BigInt(paid) * BigInt(weights[i]!)) / BigInt(total));
            expect(p === floor || p === floor + 1).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reverses exactly over any sequence of partial refunds, each step non-negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        bps,
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 12 }),
        (paid, share, steps) => {
          const original = splitAmount(paid, share);
          let refunded = 0;
          let reversed = { instructor: 0, platform: 0 };
          // Refund in the given steps (capped at what is left), then the rest.
          for (const step of [...steps, paid]) {
            const next = Math.min(paid, refunded + step);
            if (next === refunded) continue;
            const target = refundedShares(original, next);
            const delta = {
              instructor: target.instructor - reversed.instructor,
              platform: target.platform - reversed.platform,
            };
            expect(delta.instructor).toBeGreaterThanOrEqual(0);
            expect(delta.platform).toBeGreaterThanOrEqual(0);
            expect(delta.instructor + delta.platform).toBe(next - refunded);
            reversed = target;
            refunded = next;
          }
          expect(reversed).toEqual(original);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses amounts and shares that are not whole or out of range', () => {
    expect(() => splitAmount(1.5, 7000)).toThrow(RangeError);
    expect(() => splitAmount(-1, 7000)).toThrow(RangeError);
    expect(() => splitAmount(100, 10_001)).toThrow(RangeError);
    expect(() => refundedShares({ instructor: 7, platform: 3 }, 11)).toThrow(RangeError);
  });
});
