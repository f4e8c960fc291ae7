import { describe, expect, it } from 'vitest';
import {
  isPeriod,
  periodOf,
  periodRange,
  shiftPeriod,
  targetsFor,
  validateTargets,
} from './period.ts';

describe('periods', () => {
  it('are calendar months YYYY-MM', () => {
    expect(isPeriod('2026-11')).toBe(true);
    expect(isPeriod('2026-13')).toBe(false);
    expect(isPeriod('2026-00')).toBe(false);
    expect(isPeriod('2026-1')).toBe(false);
    expect(isPeriod('2026-11-01')).toBe(false);
  });

  it('run from the first to the last day of the month, leap Februaries included', () => {
    expect(periodRange('2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(periodRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(periodRange('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodRange('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(() => periodRange('2026-13')).toThrow(RangeError);
  });

  it('are found from a day and shifted by months across years', () => {
    expect(periodOf('2026-11-30')).toBe('2026-11');
    expect(shiftPeriod('2026-01', -1)).toBe('2025-12');
    expect(shiftPeriod('2026-12', 1)).toBe('2027-01');
    expect(shiftPeriod('2026-03', -14)).toBe('2025-01');
  });
});

describe('targets', () => {
  it('name each wrong field', () => {
    expect(validateTargets({ contactRate: 0.2, collected: 100_000, complaints: 2 }, 't')).toEqual(
      [],
    );
    expect(
      validateTargets(
        { contactRate: 20, collected: 10.5, speed: 1, keptRate: -0.1, complaints: '2' },
        'collectors.ann',
      ),
    ).toEqual([
      'collectors.ann.contactRate: a rate is a fraction from 0 to 1 (0.25 = 25 %)',
      'collectors.ann.collected: must be a whole number of minor units',
      'collectors.ann.speed: unknown KPI (one of contactRate, promiseRate, keptRate, cureRate, collected, complaints, complianceBlocks)',
      'collectors.ann.keptRate: must be a non-negative number',
      'collectors.ann.complaints: must be a non-negative number',
    ]);
    expect(validateTargets([1], 'teams.north')).toEqual([
      'teams.north: must be an object of KPI targets',
    ]);
  });

  it("of a collector are its own, and its team's where it has none", () => {
    expect(targetsFor({ contactRate: 0.3 }, { contactRate: 0.2, keptRate: 0.6 })).toEqual({
      contactRate: 0.3,
      keptRate: 0.6,
    });
    expect(targetsFor(undefined, undefined)).toEqual({});
  });
});
