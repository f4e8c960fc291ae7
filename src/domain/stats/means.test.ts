import { describe, expect, it } from 'vitest';
import { summarize, welchTest } from './means.ts';

describe('welchTest', () => {
  it('works a small example by hand', () => {
    // A = 1..5: mean 3, variance (4+1+0+1+4)/4 = 2.5
    // B = 2,4,..,10: mean 6, variance (16+4+0+4+16)/4 = 10
    // SE² = 2.5/5 + 10/5 = 0.5 + 2 = 2.5, SE = 1.5811388
    // t = 3 / 1.5811388 = 1.8973666
    // df = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.8823529
    const r = welchTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(r.meanA).toBe(3);
    expect(r.meanB).toBe(6);
    expect(r.difference).toBe(3);
    expect(r.standardError).toBeCloseTo(Math.sqrt(2.5), 15);
    expect(r.t).toBeCloseTo(3 / Math.sqrt(2.5), 14);
    expect(r.df).toBeCloseTo(6.25 / 1.0625, 13);
    // p = 2·P(T₅.₈₈ > 1.8974) = 0.1075312; CI = 3 ± t(0.975; 5.88)·SE = 3 ± 2.4588237·1.5811388
    // (SciPy 1.17 ttest_ind(B, A, equal_var=False): p 0.10753119493062728,
    // CI [-0.887741643736975, 6.887741643736975])
    expect(r.pValue).toBeCloseTo(0.10753119493062728, 12);
    expect(r.ci[0]).toBeCloseTo(-0.887741643736975, 11);
    expect(r.ci[1]).toBeCloseTo(6.887741643736975, 11);
    expect(r.significant).toBe(false);
  });

  it('accepts summary statistics', () => {
    // A: n 20, mean 100, s 15; B: n 20, mean 95, s 20
    // SE = √(225/20 + 400/20) = √(11.25 + 20) = √31.25 = 5.5901699; t = −5/5.5901699 = −0.8944272
    // df = 31.25² / ((11.25² + 20²)/19) = 976.5625·19 / 526.5625 = 35.2373887
    // (SciPy ttest_ind_from_stats: p 0.3771622482997003)
    const r = welchTest({ n: 20, mean: 100, variance: 225 }, { n: 20, mean: 95, variance: 400 });
    expect(r.difference).toBe(-5);
    expect(r.t).toBeCloseTo(-0.8944271909999159, 14);
    expect(r.df).toBeCloseTo((976.5625 * 19) / 526.5625, 12);
    expect(r.pValue).toBeCloseTo(0.3771622482997003, 12);
  });

  it('gives the same answer for the observations and for their summary', () => {
    const a = [12.5, 0, 0, 40, 3.25, 0, 18, 7];
    const b = [0, 22, 31.5, 0, 15, 9.75, 60, 0, 4, 11];
    const s = summarize(a);
    expect(s.n).toBe(8);
    expect(welchTest(s, summarize(b))).toEqual(welchTest(a, b));
  });

  it("reduces to Student's t test for equal sizes and variances", () => {
    // both variances 2.5, n = 5: df = 2(n − 1) = 8, t = 2 / √(2·2.5/5) = 2
    // p = 2·P(T₈ > 2) = 0.0805162 (t tables: t(0.95; 8) = 1.860 < 2 < t(0.975; 8) = 2.306)
    const r = welchTest([1, 2, 3, 4, 5], [3, 4, 5, 6, 7]);
    expect(r.df).toBeCloseTo(8, 13);
    expect(r.t).toBeCloseTo(2, 14);
    expect(r.pValue).toBeCloseTo(0.08051623795726262, 12); // SciPy ttest_ind
    expect(r.pValue).toBeGreaterThan(0.05);
    expect(r.pValue).toBeLessThan(0.1);
  });

  it('is significant for a clear difference and antisymmetric in the arms', () => {
    const a = [10, 11, 9, 10.5, 9.5, 10.2, 9.8];
    const b = [13, 12.5, 14, 13.2, 12.8, 13.5];
    const ab = welchTest(a, b);
    const ba = welchTest(b, a);
    expect(ab.significant).toBe(true);
    expect(ab.ci[0]).toBeGreaterThan(0);
    expect(ba.t).toBeCloseTo(-ab.t, 14);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 15);
    expect(ba.df).toBeCloseTo(ab.df, 12);
  });

  it('allows one constant arm: df is then n − 1 of the other', () => {
    const r = welchTest([5, 5, 5], [4, 6, 8, 10]);
    expect(r.df).toBeCloseTo(3, 13);
    expect(Number.isFinite(r.pValue)).toBe(true);
  });

  it('keeps the variance exact for values with a large common offset', () => {
    // deviations −0.25, 0, 0.25: variance (0.0625 + 0 + 0.0625)/2 = 0.0625 exactly, where the
    // one-pass Σx² − n·x̄² would subtract two numbers near 3e18 and return noise.
    const s = summarize([1e9 + 0.25, 1e9 + 0.5, 1e9 + 0.75]);
    expect(s.variance).toBe(0.0625);
  });

  it('throws a RangeError when t is undefined or an arm is too small', () => {
    expect(() => welchTest([1, 1, 1], [2, 2])).toThrow(/zero variance/);
    expect(() => welchTest([1], [2, 3])).toThrow(RangeError);
    expect(() => welchTest([1, 2], [2, NaN])).toThrow(RangeError);
    expect(() => welchTest({ n: 1, mean: 0, variance: 1 }, [1, 2])).toThrow(RangeError);
    expect(() => welchTest({ n: 5, mean: 0, variance: -1 }, [1, 2])).toThrow(RangeError);
    expect(() => welchTest([1, 2], [2, 3], { confidence: 1.2 })).toThrow(RangeError);
  });
});
