import { describe, expect, it } from 'vitest';
import { ratesBy, ratesOf } from './rates.ts';

const p = (
  status: 'open' | 'kept' | 'partially_kept' | 'broken' | 'cancelled',
  amountMinor: number,
  paidMinor: number,
  late = false,
  collector = 'Mia',
) => ({
  status,
  amountMinor,
  paidMinor,
  late,
  collector,
});

describe('promise rates', () => {
  it('counts, sums and gives the kept rate over the decided promises', () => {
    const r = ratesOf([
      p('kept', 10_000, 10_000),
      p('kept', 5_000, 4_800, true),
      p('partially_kept', 8_000, 3_000),
      p('broken', 2_000, 0),
      p('open', 7_000, 1_000),
      p('cancelled', 1_000, 0),
    ]);
    expect(r).toEqual({
      made: 6,
      open: 1,
      kept: 2,
      keptLate: 1,
      partiallyKept: 1,
      broken: 1,
      cancelled: 1,
      keptRate: 0.5,
      promisedMinor: 33_000,
      paidMinor: 18_800,
    });
  });

  it('has no kept rate while nothing is decided', () => {
    expect(ratesOf([p('open', 1, 0)]).keptRate).toBeNull();
    expect(ratesOf([]).made).toBe(0);
  });

  it('groups by a key, in key order', () => {
    const g = ratesBy(
      [
        p('kept', 1, 1, false, 'Zoe'),
        p('broken', 1, 0, false, 'Ann'),
        p('kept', 1, 1, false, 'Ann'),
      ],
      (x) => x.collector,
    );
    expect(g.map((x) => [x.key, x.rates.made, x.rates.keptRate])).toEqual([
      ['Ann', 2, 0.5],
      ['Zoe', 1, 1],
    ]);
  });
});
