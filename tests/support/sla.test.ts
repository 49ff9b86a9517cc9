import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  dueTimes,
  slaForPlan,
  slaPolicies,
} from '../../server/modules/support/sla.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('SLA targets and business days (UTC, Monday to Friday)', () => {
  it.each([
    ['Wednesday noon + 1', '2030-01-16T12:00:00Z', 1, '2030-01-17T12:00:00.000Z'],
    ['Friday 15:00 + 1 skips the weekend', '2030-01-18T15:00:00Z', 1, '2030-01-21T15:00:00.000Z'],
    ['Saturday counts from Monday 00:00', '2030-01-19T10:00:00Z', 1, '2030-01-22T00:00:00.000Z'],
    ['Sunday late counts from Monday 00:00', '2030-01-20T23:59:00Z', 1, '2030-01-22T00:00:00.000Z'],
    ['Wednesday + 3 lands on Monday', '2030-01-16T12:00:00Z', 3, '2030-01-21T12:00:00.000Z'],
    ['Friday + 5 is next Friday', '2030-01-18T09:30:00Z', 5, '2030-01-25T09:30:00.000Z'],
  ])('%s', (_, from, days, expected) => {
    expect(iso(addBusinessDays(at(from), days))).toBe(expected);
  });

  it('gives enterprise 4 h / 1 business day, pro 24 h / 3 business days, free best effort', () => {
    const opened = at('2030-01-18T15:00:00Z');
    expect(dueTimes(slaForPlan('enterprise'), opened)).toEqual({
      firstResponseDueAt: new Date('2030-01-18T19:00:00Z'),
      resolutionDueAt: new Date('2030-01-21T15:00:00Z'),
    });
    expect(dueTimes(slaForPlan('pro'), opened)).toEqual({
      firstResponseDueAt: new Date('2030-01-19T15:00:00Z'),
      resolutionDueAt: new Date('2030-01-23T15:00:00Z'),
    });
    expect(dueTimes(slaForPlan('free'), opened)).toEqual({
      firstResponseDueAt: null,
      resolutionDueAt: null,
    });
  });

  it('gives custom plans the enterprise targets', () => {
    expect(slaForPlan('campus-2030')).toBe(slaPolicies.enterprise);
  });
});
