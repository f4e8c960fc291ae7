import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BUCKETS,
  DEFAULT_LEDGER_POLICY,
  DEFAULT_PRODUCT_POLICY,
  bucketFor,
  validatePolicy,
  validateProductPolicy,
  type BucketRange,
  type LedgerPolicy,
  type ProductPolicy,
} from './policy.ts';
import type { Component } from './types.ts';

const range = (name: string, min: number, max: number | null): BucketRange => ({ name, min, max });

/** The default ledger policy with the card product's policy changed. */
function withCard(change: Partial<ProductPolicy>): LedgerPolicy {
  return { ...DEFAULT_LEDGER_POLICY, card: { ...DEFAULT_PRODUCT_POLICY, ...change } };
}

describe('bucketFor', () => {
  it.each([
    [0, 'current'],
    [1, 'M1'],
    [30, 'M1'],
    [31, 'M2'],
    [60, 'M2'],
    [61, 'M3'],
    [90, 'M3'],
    [91, 'M4'],
    [120, 'M4'],
    [121, 'M5'],
    [150, 'M5'],
    [151, 'M6'],
    [180, 'M6'],
    [181, 'M7+'],
    [10_000, 'M7+'],
  ])('default ranges: %i days is %s', (days, bucket) => {
    expect(bucketFor(days, DEFAULT_BUCKETS)).toBe(bucket);
  });

  const custom = [range('current', 0, 0), range('early', 1, 5), range('late', 6, null)];
  it.each([
    [0, 'current'],
    [1, 'early'],
    [5, 'early'],
    [6, 'late'],
    [365, 'late'],
  ])('custom ranges: %i days is %s', (days, bucket) => {
    expect(bucketFor(days, custom)).toBe(bucket);
  });

  it('throws when no range holds the days', () => {
    expect(() => bucketFor(-1, DEFAULT_BUCKETS)).toThrow(RangeError);
    expect(() => bucketFor(11, [range('a', 0, 10)])).toThrow(/no bucket holds 11 days/);
  });
});

describe('validatePolicy', () => {
  it('accepts the default policy', () => {
    expect(validatePolicy(DEFAULT_LEDGER_POLICY)).toEqual([]);
  });

  it.each<{ name: string; change: Partial<ProductPolicy> }>([
    { name: 'principal-first waterfall', change: { waterfall: ['principal', 'interest', 'fees'] } },
    { name: 'interest-first waterfall', change: { waterfall: ['interest', 'fees', 'principal'] } },
    { name: 'positive tolerance and grace', change: { arrearsTolerance: 500, graceDays: 15 } },
    { name: 'a single open range', change: { buckets: [range('all', 0, null)] } },
    {
      name: 'custom contiguous ranges',
      change: { buckets: [range('current', 0, 0), range('early', 1, 5), range('late', 6, null)] },
    },
  ])('accepts $name', ({ change }) => {
    expect(validatePolicy(withCard(change))).toEqual([]);
  });

  it.each<{ name: string; change: Partial<ProductPolicy>; errors: string[] }>([
    {
      name: 'a gap between ranges',
      // current ends at 0 so the next range must start at 0 + 1 = 1, not 2.
      change: { buckets: [range('current', 0, 0), range('M1', 2, null)] },
      errors: ['card.buckets[1].min: must be 1 so that ranges are contiguous from 0'],
    },
    {
      name: 'overlapping ranges',
      // a ends at 10 so b must start at 11, not 5.
      change: { buckets: [range('a', 0, 10), range('b', 5, null)] },
      errors: ['card.buckets[1].min: must be 11 so that ranges are contiguous from 0'],
    },
    {
      name: 'ranges not starting at 0',
      change: { buckets: [range('a', 1, 10), range('b', 11, null)] },
      errors: ['card.buckets[0].min: must be 0 so that ranges are contiguous from 0'],
    },
    {
      name: 'a last range that is not open-ended',
      change: { buckets: [range('a', 0, 10), range('b', 11, 20)] },
      errors: ['card.buckets: the last range must be open-ended (max null)'],
    },
    {
      name: 'a range after the open-ended one',
      change: { buckets: [range('a', 0, null), range('b', 1, null)] },
      errors: ['card.buckets[1]: follows an open-ended range'],
    },
    {
      name: 'max below min',
      // b is 1..0; the next range is still expected at 0 + 1 = 1, so c is fine.
      change: { buckets: [range('a', 0, 0), range('b', 1, 0), range('c', 1, null)] },
      errors: ['card.buckets[1].max: must be an integer at or above min'],
    },
    {
      name: 'no ranges',
      change: { buckets: [] },
      errors: ['card.buckets: at least one range is needed'],
    },
    {
      name: 'an empty range name',
      change: { buckets: [range('', 0, null)] },
      errors: ['card.buckets[0].name: must not be empty'],
    },
    {
      name: 'a duplicate range name',
      change: { buckets: [range('a', 0, 0), range('a', 1, null)] },
      errors: ['card.buckets[1].name: duplicate bucket "a"'],
    },
    {
      name: 'a waterfall missing a component',
      change: { waterfall: ['fees', 'interest'] },
      errors: ['card.waterfall: must list each of fees, interest, principal once'],
    },
    {
      name: 'a waterfall repeating a component',
      change: { waterfall: ['fees', 'fees', 'principal'] },
      errors: ['card.waterfall: must list each of fees, interest, principal once'],
    },
    {
      name: 'a waterfall with an extra component',
      change: { waterfall: ['fees', 'interest', 'principal', 'fees'] },
      errors: ['card.waterfall: must list each of fees, interest, principal once'],
    },
    {
      name: 'a waterfall with an unknown component',
      change: { waterfall: ['fees', 'interest', 'penalty' as Component] },
      errors: ['card.waterfall: must list each of fees, interest, principal once'],
    },
    {
      name: 'a negative tolerance',
      change: { arrearsTolerance: -1 },
      errors: ['card.arrearsTolerance: must be a non-negative integer of minor units'],
    },
    {
      name: 'a fractional tolerance',
      change: { arrearsTolerance: 0.5 },
      errors: ['card.arrearsTolerance: must be a non-negative integer of minor units'],
    },
    {
      name: 'negative grace days',
      change: { graceDays: -1 },
      errors: ['card.graceDays: must be a non-negative integer'],
    },
    {
      name: 'several problems at once',
      change: { waterfall: ['principal'], arrearsTolerance: -5, buckets: [range('a', 0, 30)] },
      errors: [
        'card.waterfall: must list each of fees, interest, principal once',
        'card.arrearsTolerance: must be a non-negative integer of minor units',
        'card.buckets: the last range must be open-ended (max null)',
      ],
    },
  ])('rejects $name, naming the field', ({ change, errors }) => {
    expect(validatePolicy(withCard(change))).toEqual(errors);
  });

  it('reports a missing product policy', () => {
    const policy = { ...DEFAULT_LEDGER_POLICY, bnpl: undefined } as unknown as LedgerPolicy;
    expect(validatePolicy(policy)).toEqual(['bnpl: policy missing']);
  });

  it('validateProductPolicy without a path names the bare field', () => {
    expect(validateProductPolicy({ ...DEFAULT_PRODUCT_POLICY, graceDays: -3 })).toEqual([
      'graceDays: must be a non-negative integer',
    ]);
  });
});
