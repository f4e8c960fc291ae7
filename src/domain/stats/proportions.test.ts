import { describe, expect, it } from 'vitest';
import { twoProportionTest, wilsonInterval } from './proportions.ts';

describe('wilsonInterval', () => {
  it('gives [0.4902, 0.9433] for 8/10 at 95 %', () => {
    // p = 0.8, z = 1.959964, z²/n = 0.3841459
    // centre = (0.8 + 0.1920729)/1.3841459 = 0.7167402
    // half   = 1.959964/1.3841459 · √(0.8·0.2/10 + 0.3841459/40) = 1.4160 · √0.0256036 = 0.2265777
    const [lo, hi] = wilsonInterval(8, 10, 0.95);
    expect(lo).toBeCloseTo(0.7167402 - 0.2265777, 6);
    expect(hi).toBeCloseTo(0.7167402 + 0.2265777, 6);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
  });

  it.each([
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
    // Medicine 17:857–872, Table II, method 3 (score interval without continuity correction).
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('matches Newcombe (1998) for %i/%i', (s, n, lo, hi) => {
    const ci = wilsonInterval(s, n);
    expect(ci[0]).toBeCloseTo(lo, 4);
    expect(ci[1]).toBeCloseTo(hi, 4);
  });

  it('is exactly 0 / 1 at the ends and symmetric', () => {
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(10, 10)[1]).toBe(1);
    const [lo, hi] = wilsonInterval(3, 10, 0.9);
    const [lo2, hi2] = wilsonInterval(7, 10, 0.9);
    expect(lo).toBeCloseTo(1 - hi2, 14);
    expect(hi).toBeCloseTo(1 - lo2, 14);
  });

  it('widens with confidence', () => {
    const [a, b] = wilsonInterval(30, 100, 0.8);
    const [c, d] = wilsonInterval(30, 100, 0.99);
    expect(c).toBeLessThan(a);
    expect(d).toBeGreaterThan(b);
  });

  it('rejects n = 0, impossible counts and bad confidence levels', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 10, 1)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 10, 0)).toThrow(RangeError);
  });
});

describe('twoProportionTest', () => {
  it('works the 120/1000 vs 150/1000 example', () => {
    const r = twoProportionTest({ successesA: 120, nA: 1000, successesB: 150, nB: 1000 });
    expect(r.pA).toBe(0.12);
    expect(r.pB).toBe(0.15);
    expect(r.difference).toBeCloseTo(0.03, 15);
    // pooled p = 270/2000 = 0.135; SE = √(0.135·0.865·(2/1000)) = √0.00023355 = 0.0152823428
    expect(r.pooledRate).toBeCloseTo(0.135, 15);
    expect(r.pooledStandardError).toBeCloseTo(0.01528234275234, 14);
    // z = 0.03 / 0.0152823428 = 1.96304981; two-sided p = 2·(1 − Φ(1.96305)) = 0.0496404
    expect(r.z).toBeCloseTo(1.9630498076223553, 12);
    expect(r.pValue).toBeCloseTo(0.04964038686536879, 12); // mpmath: 2·ncdf(−z)
    expect(r.significant).toBe(true);
    // unpooled SE = √(0.12·0.88/1000 + 0.15·0.85/1000) = √0.0002331 = 0.0152676128
    // Wald CI = 0.03 ± 1.959964·0.0152676128 = 0.03 ± 0.0299239712 = [0.0000760, 0.0599240]
    expect(r.standardError).toBeCloseTo(0.015267612779999367, 14);
    expect(r.ci[0]).toBeCloseTo(0.000076028821297792, 12);
    expect(r.ci[1]).toBeCloseTo(0.059923971178702205, 12);
    // The pooled test (p = 0.0496) and the Wald interval (excludes 0 by 0.00008) agree here,
    // but only just; at 99 % neither does.
    const strict = twoProportionTest(
      { successesA: 120, nA: 1000, successesB: 150, nB: 1000 },
      { confidence: 0.99 },
    );
    expect(strict.significant).toBe(false);
    expect(strict.ci[0]).toBeLessThan(0);
  });

  it("matches Newcombe's (1998) worked example 56/70 vs 48/80", () => {
    // Newcombe (1998), "Interval estimation for the difference between independent proportions:
    // comparison of eleven methods", Statistics in Medicine 17:873–890, Table II example (a):
    // difference 0.2000; method 1 (Wald) 0.0575 to 0.3425; method 10 (score) 0.0524 to 0.3339.
    const r = twoProportionTest({ successesA: 48, nA: 80, successesB: 56, nB: 70 });
    expect(r.difference).toBeCloseTo(0.2, 14);
    expect(r.ci[0]).toBeCloseTo(0.0575, 4);
    expect(r.ci[1]).toBeCloseTo(0.3425, 4);
    expect(r.newcombeCi[0]).toBeCloseTo(0.0524, 4);
    expect(r.newcombeCi[1]).toBeCloseTo(0.3339, 4);
  });

  it('is antisymmetric in the arms', () => {
    const ab = twoProportionTest({ successesA: 31, nA: 210, successesB: 47, nB: 190 });
    const ba = twoProportionTest({ successesA: 47, nA: 190, successesB: 31, nB: 210 });
    expect(ba.difference).toBeCloseTo(-ab.difference, 15);
    expect(ba.z).toBeCloseTo(-ab.z, 14);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 15);
    expect(ba.ci[0]).toBeCloseTo(-ab.ci[1], 15);
    expect(ba.newcombeCi[0]).toBeCloseTo(-ab.newcombeCi[1], 15);
  });

  it('returns z = 0 and p = 1 when both arms are all failures or all successes', () => {
    for (const [sA, sB] of [
      [0, 0],
      [10, 20],
    ] as const) {
      const r = twoProportionTest({ successesA: sA, nA: 10, successesB: sB, nB: 20 });
      expect(r.difference).toBe(0);
      expect(r.pooledStandardError).toBe(0);
      expect(r.z).toBe(0);
      expect(r.pValue).toBe(1);
      expect(r.significant).toBe(false);
      expect(r.ci).toEqual([0, 0]); // the Wald interval degenerates...
      expect(r.newcombeCi[1] - r.newcombeCi[0]).toBeGreaterThan(0.2); // ...the score one does not
    }
  });

  it('stays finite when one or both rates are 0 or 1', () => {
    const r = twoProportionTest({ successesA: 0, nA: 10, successesB: 10, nB: 10 });
    // pooled 0.5, SE = √(0.25·0.2) = 0.2236068, z = 4.472136
    expect(r.z).toBeCloseTo(4.47213595499958, 12);
    expect(r.ci).toEqual([1, 1]);
    expect(r.newcombeCi[0]).toBeGreaterThan(0.5);
    expect(r.newcombeCi[1]).toBe(1);
    // every count combination for small arms: no NaN or infinity anywhere
    for (let nA = 1; nA <= 6; nA++) {
      for (let nB = 1; nB <= 6; nB++) {
        for (let sA = 0; sA <= nA; sA++) {
          for (let sB = 0; sB <= nB; sB++) {
            const t = twoProportionTest({ successesA: sA, nA, successesB: sB, nB });
            const numbers = [t.pA, t.pB, t.difference, t.z, t.pValue, t.standardError];
            numbers.push(t.pooledStandardError, ...t.ci, ...t.newcombeCi);
            for (const x of numbers) expect(Number.isFinite(x)).toBe(true);
            expect(t.pValue).toBeGreaterThanOrEqual(0);
            expect(t.pValue).toBeLessThanOrEqual(1);
          }
        }
      }
    }
  });

  it('throws a RangeError for an empty arm or impossible counts', () => {
    expect(() => twoProportionTest({ successesA: 0, nA: 0, successesB: 3, nB: 10 })).toThrow(
      /arm A has no observations/,
    );
    expect(() => twoProportionTest({ successesA: 1, nA: 10, successesB: 0, nB: 0 })).toThrow(
      RangeError,
    );
    expect(() => twoProportionTest({ successesA: 11, nA: 10, successesB: 1, nB: 10 })).toThrow(
      RangeError,
    );
    expect(() => twoProportionTest({ successesA: 1, nA: 10.5, successesB: 1, nB: 10 })).toThrow(
      RangeError,
    );
    expect(() =>
      twoProportionTest({ successesA: 1, nA: 10, successesB: 1, nB: 10 }, { confidence: 95 }),
    ).toThrow(RangeError);
  });
});
