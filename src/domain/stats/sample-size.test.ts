import { describe, expect, it } from 'vitest';
import { normalQuantile } from './distributions.ts';
import { sampleSizeMeans, sampleSizeTwoProportions } from './sample-size.ts';

const Z975 = 1.959963984540054; // Φ⁻¹(0.975)
const Z80 = 0.8416212335729143; // Φ⁻¹(0.80)

describe('sampleSizeTwoProportions', () => {
  it('needs 1,094 per arm for 0.20 → 0.25 at alpha 0.05, power 0.8 (Fleiss, no correction)', () => {
    // p̄ = 0.225, p̄(1 − p̄) = 0.174375
    // null term: 1.959964 · √(2 · 0.174375) = 1.959964 · 0.5905506 = 1.1574579
    // alt. term: 0.841621 · √(0.2·0.8 + 0.25·0.75) = 0.841621 · √0.3475 = 0.4961284
    // n = (1.1574579 + 0.4961284)² / 0.05² = 2.7343476 / 0.0025 = 1093.739 → 1094
    const r = sampleSizeTwoProportions({ baseline: 0.2, lift: 0.05 });
    expect(r.unrounded.nA).toBeCloseTo(1093.7390457661645, 9);
    expect(r).toMatchObject({ nA: 1094, nB: 1094, perArm: 1094, total: 2188 });
    // The often-quoted 1,091 uses the unpooled variance in both terms:
    // (1.959964 + 0.841621)² · 0.3475 / 0.0025 = 7.8488797 · 139 = 1090.994 → 1091.
    const unpooled = ((Z975 + Z80) ** 2 * 0.3475) / 0.0025;
    expect(unpooled).toBeCloseTo(1090.994283074523, 9);
    expect(Math.ceil(unpooled)).toBe(1091);
  });

  it('handles unequal allocation', () => {
    // r = nB/nA = 2: p̄ = (0.2 + 2·0.25)/3 = 0.2333333, (1 + 1/2)·p̄(1 − p̄) = 0.2683333
    // null term: 1.959964 · √0.2683333 = 1.0152790
    // alt. term: 0.841621 · √(0.16 + 0.1875/2) = 0.841621 · 0.5037360 = 0.4239549
    // nA = 1.4392340² / 0.0025 = 828.558 → 829; nB = ⌈2 · 828.558⌉ = ⌈1657.115⌉ = 1658
    const r = sampleSizeTwoProportions({ baseline: 0.2, lift: 0.05, ratio: 2 });
    expect(r.unrounded.nA).toBeCloseTo(828.5577453936763, 9);
    expect(r).toMatchObject({ nA: 829, nB: 1658, perArm: 1658, total: 2487 });
  });

  it('is the same for a drop as for the mirror-image rise', () => {
    const up = sampleSizeTwoProportions({ baseline: 0.2, lift: 0.05 });
    const down = sampleSizeTwoProportions({ baseline: 0.25, lift: -0.05 });
    expect(down.nA).toBe(up.nA);
  });

  it('reduces to z²·2p̄q̄/Δ² at power 0.5', () => {
    // z(power 0.5) = 0: n = 1.959964² · 2 · 0.174375 / 0.0025 = 535.88 → 536
    const r = sampleSizeTwoProportions({ baseline: 0.2, lift: 0.05, power: 0.5 });
    expect(r.unrounded.nA).toBeCloseTo((Z975 * Z975 * 2 * 0.174375) / 0.0025, 9);
    expect(r.nA).toBe(536);
  });

  it('needs more for a smaller alpha, a higher power or a smaller lift', () => {
    const base = sampleSizeTwoProportions({ baseline: 0.1, lift: 0.02 }).nA;
    expect(sampleSizeTwoProportions({ baseline: 0.1, lift: 0.02, alpha: 0.01 }).nA).toBeGreaterThan(
      base,
    );
    expect(sampleSizeTwoProportions({ baseline: 0.1, lift: 0.02, power: 0.9 }).nA).toBeGreaterThan(
      base,
    );
    expect(sampleSizeTwoProportions({ baseline: 0.1, lift: 0.01 }).nA).toBeGreaterThan(base);
  });

  it('rejects impossible inputs', () => {
    expect(() => sampleSizeTwoProportions({ baseline: 0.2, lift: 0 })).toThrow(RangeError);
    expect(() => sampleSizeTwoProportions({ baseline: 0.9, lift: 0.2 })).toThrow(RangeError);
    expect(() => sampleSizeTwoProportions({ baseline: 0, lift: 0.1 })).toThrow(RangeError);
    expect(() => sampleSizeTwoProportions({ baseline: 0.2, lift: 0.1, power: 1 })).toThrow(
      RangeError,
    );
    expect(() => sampleSizeTwoProportions({ baseline: 0.2, lift: 0.1, ratio: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('sampleSizeMeans', () => {
  it('needs 64 per arm for a difference of half a standard deviation', () => {
    // Normal formula: (1.959964 + 0.841621)² · 2 / 0.5² = 7.8488797 · 8 = 62.79 → 63.
    // With t quantiles at df = 2·64 − 2 = 126: (1.978971 + 0.844483)² · 8 = 63.78 → 64, and
    // 63 is not enough for its own df (124: 63.79 > 63). Cohen (1988), Statistical Power Analysis,
    // Table 2.4.1 (d = .50, a₂ = .05, power .80): n = 64; exact noncentral-t power at 64 per arm
    // is 0.8015, at 63 it is 0.7952 (scipy.stats.nct).
    const normal = ((normalQuantile(0.975) + normalQuantile(0.8)) ** 2 * 2) / 0.25;
    expect(normal).toBeCloseTo(62.79103787479271, 9);
    const r = sampleSizeMeans({ sd: 1, difference: 0.5 });
    expect(r).toMatchObject({ nA: 64, nB: 64, perArm: 64, total: 128 });
    // scale-free: sd 200, difference 100 is the same effect size
    expect(sampleSizeMeans({ sd: 200, difference: -100 }).nA).toBe(64);
  });

  it.each([
    // d, n per arm. Cohen's Table 2.4.1 prints 26 (d .8), 17 (d 1.0) and 393 (d .2); the exact
    // noncentral-t power at 393 is 0.79959 and at 394 is 0.80059 (scipy.stats.nct), so 394 is the
    // smallest adequate size and Cohen's 393 comes from his approximation. d = 2 → 6 (power 0.876;
    // 5 gives 0.791).
    [0.2, 394],
    [0.8, 26],
    [1, 17],
    [2, 6],
  ])('effect size %d needs %i per arm', (d, n) => {
    expect(sampleSizeMeans({ sd: 1, difference: d }).nA).toBe(n);
  });

  it('handles unequal allocation', () => {
    // exact noncentral-t answer for d = 0.5 with nB = 2·nA: 48 and 96 (scipy.stats.nct)
    expect(sampleSizeMeans({ sd: 1, difference: 0.5, ratio: 2 })).toMatchObject({
      nA: 48,
      nB: 96,
      total: 144,
    });
  });

  it('rejects impossible inputs', () => {
    expect(() => sampleSizeMeans({ sd: 0, difference: 1 })).toThrow(RangeError);
    expect(() => sampleSizeMeans({ sd: 1, difference: 0 })).toThrow(RangeError);
    expect(() => sampleSizeMeans({ sd: 1, difference: 1, alpha: 0 })).toThrow(RangeError);
  });
});
