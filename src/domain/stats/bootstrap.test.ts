import { describe, expect, it } from 'vitest';
import { createRandom } from '../portfolio/random.ts';
import { bootstrapMeanDifference, bootstrapRatioDifference } from './bootstrap.ts';
import { welchTest } from './means.ts';

function normalSample(seed: string, n: number, mean: number, sd: number): number[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => rng.normal(mean, sd));
}

describe('bootstrapMeanDifference', () => {
  const a = normalSample('arm-a', 200, 10, 3);
  const b = normalSample('arm-b', 200, 12, 3);

  it('is deterministic for a seed and differs between seeds', () => {
    const first = bootstrapMeanDifference(a, b, { rng: 42, resamples: 500 });
    const again = bootstrapMeanDifference(a, b, { rng: 42, resamples: 500 });
    const other = bootstrapMeanDifference(a, b, { rng: 43, resamples: 500 });
    expect(again).toEqual(first);
    expect(other.ci).not.toEqual(first.ci);
    // a generator in the same state gives the same result as its seed
    expect(bootstrapMeanDifference(a, b, { rng: createRandom(42), resamples: 500 })).toEqual(first);
  });

  it('covers the true difference and agrees with the Welch interval on normal data', () => {
    const r = bootstrapMeanDifference(a, b, { rng: 'pilot' });
    expect(r.resamples).toBe(2000);
    expect(r.difference).toBeCloseTo(r.meanB - r.meanA, 14);
    expect(r.ci[0]).toBeLessThan(2);
    expect(r.ci[1]).toBeGreaterThan(2);
    expect(r.ci[0]).toBeLessThan(r.difference);
    expect(r.ci[1]).toBeGreaterThan(r.difference);
    // The SE of a difference of means is 3·√(2/200) = 0.3; the bootstrap's is within 10 %, and
    // its interval ends are within 0.06 (a fifth of an SE) of Welch's t interval.
    expect(r.standardError).toBeGreaterThan(0.27);
    expect(r.standardError).toBeLessThan(0.33);
    const w = welchTest(a, b);
    expect(Math.abs(r.ci[0] - w.ci[0])).toBeLessThan(0.06);
    expect(Math.abs(r.ci[1] - w.ci[1])).toBeLessThan(0.06);
  });

  it('has close to the nominal coverage over repeated synthetic pilots', () => {
    // 200 pilots of 40 vs 40 accounts drawn from skewed (log-normal) amounts with equal
    // distributions shifted by 5: the 90 % interval should contain 5 about 90 % of the time
    // (percentile intervals run a little short for small samples).
    const rng = createRandom('coverage');
    let covered = 0;
    const pilots = 200;
    for (let i = 0; i < pilots; i++) {
      const xa = Array.from({ length: 40 }, () => rng.lognormal(20, 0.6));
      const xb = Array.from({ length: 40 }, () => rng.lognormal(20, 0.6) + 5);
      const r = bootstrapMeanDifference(xa, xb, {
        rng: rng.derive(i),
        resamples: 400,
        confidence: 0.9,
      });
      if (r.ci[0] <= 5 && 5 <= r.ci[1]) covered++;
    }
    expect(covered / pilots).toBeGreaterThan(0.84);
    expect(covered / pilots).toBeLessThan(0.96);
  });

  it('gives a zero-width interval for constant arms', () => {
    const r = bootstrapMeanDifference([2, 2, 2], [5, 5], { rng: 1, resamples: 50 });
    expect(r.ci).toEqual([3, 3]);
    expect(r.standardError).toBe(0);
  });

  it('narrows with a lower confidence level', () => {
    const wide = bootstrapMeanDifference(a, b, { rng: 5, confidence: 0.99 });
    const narrow = bootstrapMeanDifference(a, b, { rng: 5, confidence: 0.8 });
    expect(narrow.ci[0]).toBeGreaterThan(wide.ci[0]);
    expect(narrow.ci[1]).toBeLessThan(wide.ci[1]);
  });

  it('rejects bad input', () => {
    expect(() => bootstrapMeanDifference([1], [1, 2], { rng: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeanDifference([1, NaN], [1, 2], { rng: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeanDifference([1, 2], [1, 2], { rng: 1, resamples: 1 })).toThrow(
      RangeError,
    );
    expect(() => bootstrapMeanDifference([1, 2], [1, 2], { rng: 1, confidence: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('bootstrapRatioDifference', () => {
  // Recovery rate = sum(collected) / sum(balance). Balances are log-normal around 1,000; an
  // account pays with probability q, and then a uniform 50–100 % of its balance, so the expected
  // rate is q · 0.75: 0.20 · 0.75 = 0.15 in A and 0.24 · 0.75 = 0.18 in B, a true difference of
  // 0.03.
  function arm(seed: string, n: number, q: number) {
    const rng = createRandom(seed);
    const denominator = Array.from({ length: n }, () => rng.lognormal(1000, 0.8));
    const numerator = denominator.map((bal) => (rng.chance(q) ? bal * rng.uniform(0.5, 1) : 0));
    return { numerator, denominator };
  }
  const armA = arm('ratio-a', 3000, 0.2);
  const armB = arm('ratio-b', 3000, 0.24);

  it('covers the true difference of recovery rates and is deterministic', () => {
    const r = bootstrapRatioDifference(armA, armB, { rng: 'recovery' });
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    expect(r.ratioA).toBeCloseTo(sum(armA.numerator) / sum(armA.denominator), 14);
    expect(r.ratioB).toBeCloseTo(sum(armB.numerator) / sum(armB.denominator), 14);
    expect(r.difference).toBeCloseTo(r.ratioB - r.ratioA, 14);
    expect(r.ci[0]).toBeLessThan(0.03);
    expect(r.ci[1]).toBeGreaterThan(0.03);
    expect(r.ci[1] - r.ci[0]).toBeLessThan(0.06);
    expect(r.skipped).toBe(0);
    expect(r.resamples).toBe(2000);
    expect(bootstrapRatioDifference(armA, armB, { rng: 'recovery' })).toEqual(r);
  });

  it('skips resamples whose denominators sum to 0', () => {
    // one unit in four has a balance: a resample of 4 misses it with probability (3/4)⁴ = 0.32
    const sparse = { numerator: [0, 0, 0, 1], denominator: [0, 0, 0, 2] };
    const dense = { numerator: [1, 2, 3], denominator: [4, 4, 4] };
    const r = bootstrapRatioDifference(sparse, dense, { rng: 9, resamples: 1000 });
    expect(r.skipped).toBeGreaterThan(250);
    expect(r.skipped).toBeLessThan(390);
    expect(r.resamples + r.skipped).toBe(1000);
    expect(Number.isFinite(r.ci[0]) && Number.isFinite(r.ci[1])).toBe(true);
  });

  it('rejects mismatched, negative or empty denominators', () => {
    const ok = { numerator: [1, 2], denominator: [3, 4] };
    const opts = { rng: 1, resamples: 10 };
    expect(() =>
      bootstrapRatioDifference({ numerator: [1, 2], denominator: [3] }, ok, opts),
    ).toThrow(/lengths differ/);
    expect(() =>
      bootstrapRatioDifference({ numerator: [1, 2], denominator: [3, -1] }, ok, opts),
    ).toThrow(/negative/);
    expect(() =>
      bootstrapRatioDifference(ok, { numerator: [1, 2], denominator: [0, 0] }, opts),
    ).toThrow(/sum to 0/);
  });
});
