import { describe, expect, it } from 'vitest';
import {
  binColumn,
  binOf,
  DEFAULT_BINNING,
  optimalMerge,
  woeOf,
  type Binning,
  type Trend,
} from './binning.ts';
import type { Column } from './table.ts';

/** A small seeded linear congruential generator (Numerical Recipes constants), in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const numeric = (values: number[], name = 'x'): Column => ({
  kind: 'numeric',
  name,
  values: Float64Array.from(values),
});
const categorical = (values: (string | null)[], name = 'c'): Column => ({
  kind: 'categorical',
  name,
  values,
});

/** n rows, x uniform on [0, 100), event with probability rate(x). */
function sample(seed: number, n: number, rate: (x: number) => number) {
  const next = lcg(seed);
  const values: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Math.floor(next() * 1000) / 10;
    values.push(x);
    labels.push(next() < rate(x) ? 1 : 0);
  }
  return { values, labels };
}

type Fine = { goods: number; bads: number };

/** Does a list of event rates follow the shape, as optimalMerge reads it? */
function follows(shape: Trend, rates: number[], strictTurn = true): boolean {
  const steps: number[] = [];
  for (let k = 1; k < rates.length; k++) {
    const d = rates[k]! - rates[k - 1]!;
    if (d === 0 && shape !== 'none') return false;
    steps.push(Math.sign(d));
  }
  switch (shape) {
    case 'none':
      return true;
    case 'ascending':
      return steps.every((s) => s > 0);
    case 'descending':
      return steps.every((s) => s < 0);
    case 'peak':
    case 'valley': {
      // rises (falls) then falls (rises); the second part is not empty (it must turn)
      const first = shape === 'peak' ? 1 : -1;
      const t = steps.findIndex((s) => s !== first);
      if (t < 0) return false;
      if (strictTurn && t === 0) return false;
      return steps.slice(t).every((s) => s === -first);
    }
  }
}

/** The best IV over all 2^(K−1) partitions of the fine classes into runs, from scratch. */
function bruteForce(
  fine: Fine[],
  maxBins: number,
  minSize: number,
  shape: Trend,
  totalGoods: number,
  totalBads: number,
  strictTurn = true,
): number | undefined {
  const K = fine.length;
  let best: number | undefined;
  for (let mask = 0; mask < 1 << (K - 1); mask++) {
    const cuts = [0];
    for (let k = 1; k < K; k++) if (mask & (1 << (k - 1))) cuts.push(k);
    cuts.push(K);
    const check = partitionOf(fine, cuts, totalGoods, totalBads);
    if (check.sizes.length > maxBins) continue;
    if (check.sizes.some((s) => s < minSize)) continue;
    if (!follows(shape, check.rates, strictTurn)) continue;
    if (best === undefined || check.iv > best) best = check.iv;
  }
  return best;
}

function partitionOf(fine: Fine[], cuts: number[], totalGoods: number, totalBads: number) {
  const sizes: number[] = [];
  const rates: number[] = [];
  let iv = 0;
  for (let k = 0; k + 1 < cuts.length; k++) {
    let goods = 0;
    let bads = 0;
    for (let f = cuts[k]!; f < cuts[k + 1]!; f++) {
      goods += fine[f]!.goods;
      bads += fine[f]!.bads;
    }
    sizes.push(goods + bads);
    rates.push(bads / (goods + bads));
    iv += woeOf(goods, bads, totalGoods, totalBads).iv;
  }
  return { sizes, rates, iv };
}

const SHAPES: Trend[] = ['ascending', 'descending', 'peak', 'valley', 'none'];

describe('woeOf', () => {
  it('is ln(share of non-events / share of events), with IV (share gap) · WoE', () => {
    // 30 of 60 non-events = 0.5, 10 of 40 events = 0.25: WoE ln 2, IV 0.25 · ln 2
    const r = woeOf(30, 10, 60, 40);
    expect(r.woe).toBeCloseTo(Math.LN2, 15);
    expect(r.iv).toBeCloseTo(0.25 * Math.LN2, 15);
  });

  it('is negative for a bin riskier than the average, with a positive IV all the same', () => {
    // 10/60 vs 30/40: WoE ln(2/9), IV (1/6 − 3/4) · ln(2/9) = 0.877…
    const r = woeOf(10, 30, 60, 40);
    expect(r.woe).toBeCloseTo(Math.log(1 / 6 / 0.75), 15);
    expect(r.woe).toBeLessThan(0);
    expect(r.iv).toBeCloseTo((1 / 6 - 0.75) * Math.log(1 / 6 / 0.75), 15);
    expect(r.iv).toBeGreaterThan(0);
  });

  it('is 0 for a bin with the average mix', () => {
    expect(woeOf(15, 5, 60, 20)).toEqual({ woe: 0, iv: 0 });
  });

  it('adds 0.5 to both counts when one of them is zero', () => {
    // no events: (10.5 / 20) / (0.5 / 10) = 10.5
    const a = woeOf(10, 0, 20, 10);
    expect(a.woe).toBeCloseTo(Math.log(10.5), 14);
    expect(a.iv).toBeCloseTo((10.5 / 20 - 0.5 / 10) * Math.log(10.5), 14);
    // no non-events: (0.5 / 100) / (5.5 / 50) = 1/22
    const b = woeOf(0, 5, 100, 50);
    expect(b.woe).toBeCloseTo(Math.log(1 / 22), 14);
    expect(b.iv).toBeCloseTo((0.005 - 0.11) * Math.log(1 / 22), 14);
    expect(Number.isFinite(woeOf(0, 7, 10, 10).woe)).toBe(true);
  });

  it('does not smooth when both counts are present', () => {
    expect(woeOf(1, 1, 4, 2).woe).toBeCloseTo(Math.log(0.25 / 0.5), 15);
  });
});

describe('optimalMerge', () => {
  it('finds the best IV over all partitions, for every shape (brute force, K ≤ 8)', () => {
    const next = lcg(2024);
    let compared = 0;
    let found = 0;
    for (let trial = 0; trial < 250; trial++) {
      const K = 1 + Math.floor(next() * 8);
      const fine: Fine[] = [];
      for (let k = 0; k < K; k++) {
        const goods = Math.floor(next() * 30);
        const bads = Math.floor(next() * 12);
        fine.push(goods + bads === 0 ? { goods: 1, bads: 0 } : { goods, bads });
      }
      const totalGoods = fine.reduce((s, f) => s + f.goods, 0) + 1 + Math.floor(next() * 5);
      const totalBads = fine.reduce((s, f) => s + f.bads, 0) + 1 + Math.floor(next() * 5);
      const rows = fine.reduce((s, f) => s + f.goods + f.bads, 0);
      const minSize = Math.max(1, Math.floor(next() * next() * rows * 0.5));
      const maxBins = 1 + Math.floor(next() * (K + 1));
      for (const shape of SHAPES) {
        const expected = bruteForce(fine, maxBins, minSize, shape, totalGoods, totalBads);
        const r = optimalMerge(fine, maxBins, minSize, shape, totalGoods, totalBads);
        compared++;
        if (expected === undefined) {
          expect(r, `trial ${trial} ${shape}`).toBeUndefined();
          continue;
        }
        found++;
        expect(r, `trial ${trial} ${shape}`).toBeDefined();
        expect(r!.iv).toBeCloseTo(expected, 10);
        // the cuts returned are a partition that qualifies and has the IV claimed
        const { cuts } = r!;
        expect(cuts[0]).toBe(0);
        expect(cuts[cuts.length - 1]).toBe(K);
        for (let k = 1; k < cuts.length; k++) expect(cuts[k]!).toBeGreaterThan(cuts[k - 1]!);
        const check = partitionOf(fine, cuts, totalGoods, totalBads);
        expect(check.sizes.length).toBeLessThanOrEqual(maxBins);
        for (const s of check.sizes) expect(s).toBeGreaterThanOrEqual(minSize);
        expect(follows(shape, check.rates), `trial ${trial} ${shape}`).toBe(true);
        expect(check.iv).toBeCloseTo(r!.iv, 10);
      }
    }
    // the random cases exercise both outcomes
    expect(found).toBeGreaterThan(compared / 2);
    expect(found).toBeLessThan(compared);
  });

  it('keeps every fine class apart when nothing constrains it (splitting never loses IV)', () => {
    const fine = [
      { goods: 40, bads: 2 },
      { goods: 30, bads: 10 },
      { goods: 10, bads: 20 },
      { goods: 20, bads: 8 },
    ];
    const r = optimalMerge(fine, 10, 1, 'none', 100, 40)!;
    expect(r.cuts).toEqual([0, 1, 2, 3, 4]);
  });

  it('merges the fine classes that break an ascending trend', () => {
    // rates 0.1, 0.3, 0.2, 0.6: the second and third must share a bin (0.25) to ascend
    const fine = [
      { goods: 90, bads: 10 },
      { goods: 70, bads: 30 },
      { goods: 80, bads: 20 },
      { goods: 40, bads: 60 },
    ];
    const r = optimalMerge(fine, 10, 1, 'ascending', 280, 120)!;
    expect(r.cuts).toEqual([0, 1, 3, 4]);
    const iv =
      woeOf(90, 10, 280, 120).iv + woeOf(150, 50, 280, 120).iv + woeOf(40, 60, 280, 120).iv;
    expect(r.iv).toBeCloseTo(iv, 14);
  });

  it('respects the maximum number of bins and the minimum size', () => {
    const fine = [
      { goods: 50, bads: 1 },
      { goods: 40, bads: 5 },
      { goods: 30, bads: 10 },
      { goods: 20, bads: 20 },
      { goods: 5, bads: 30 },
    ];
    expect(optimalMerge(fine, 2, 1, 'ascending', 145, 66)!.cuts).toHaveLength(3);
    expect(optimalMerge(fine, 1, 1, 'ascending', 145, 66)!.cuts).toEqual([0, 5]);
    // each bin needs 80 rows: 51 + 45 = 96 and 40 + 40 + 35 = 115
    const r = optimalMerge(fine, 10, 80, 'ascending', 145, 66)!;
    expect(r.cuts).toEqual([0, 2, 5]);
  });

  it('is undefined when no partition qualifies, or there is nothing to merge', () => {
    const fine = [
      { goods: 5, bads: 1 },
      { goods: 5, bads: 1 },
    ];
    expect(optimalMerge(fine, 5, 13, 'none', 10, 2)).toBeUndefined();
    expect(optimalMerge([], 5, 1, 'none', 10, 2)).toBeUndefined();
    // a turn needs at least two bins
    expect(optimalMerge(fine, 1, 1, 'peak', 10, 2)).toBeUndefined();
    // equal rates are not a trend: the one-bin partition is the only ascending one
    expect(optimalMerge(fine, 5, 1, 'ascending', 10, 2)!.cuts).toEqual([0, 2]);
  });

  it('finds a peak and a valley where the rates turn', () => {
    // rates 0.1, 0.5, 0.9, 0.5, 0.1: a peak in the middle
    const peak = [
      { goods: 9, bads: 1 },
      { goods: 5, bads: 5 },
      { goods: 1, bads: 9 },
      { goods: 5, bads: 5 },
      { goods: 9, bads: 1 },
    ];
    expect(optimalMerge(peak, 10, 1, 'peak', 29, 21)!.cuts).toEqual([0, 1, 2, 3, 4, 5]);
    expect(optimalMerge(peak, 10, 1, 'valley', 29, 21)).toBeUndefined();
    const valley = peak.map((f) => ({ goods: f.bads, bads: f.goods }));
    expect(optimalMerge(valley, 10, 1, 'valley', 21, 29)!.cuts).toEqual([0, 1, 2, 3, 4, 5]);
  });

  // A turning shape must have turned: a peak rises before it falls, a valley falls before it
  // rises; rates that only fall (or only rise) are monotonic, not a turn.
  it('does not take rates that only fall for a peak (nor only rise for a valley)', () => {
    const falling = [
      { goods: 1, bads: 9 },
      { goods: 5, bads: 5 },
      { goods: 9, bads: 1 },
    ];
    expect(optimalMerge(falling, 5, 1, 'peak', 15, 15)).toBeUndefined();
    const rising = falling.map((f) => ({ goods: f.bads, bads: f.goods }));
    expect(optimalMerge(rising, 5, 1, 'valley', 15, 15)).toBeUndefined();
  });
});

/** Counts and events per bin recomputed with binOf from the training values. */
function recount(b: Binning, values: (number | string | null)[], labels: number[]) {
  const counts = b.bins.map(() => 0);
  const events = b.bins.map(() => 0);
  values.forEach((v, i) => {
    const k = binOf(b, typeof v === 'number' && Number.isNaN(v) ? null : v);
    counts[k]!++;
    events[k]! += labels[i]!;
  });
  return { counts, events };
}

describe('binColumn, numeric', () => {
  const { values, labels } = sample(7, 3000, (x) => 0.05 + 0.4 * (x / 100));
  // every tenth value missing, with a high event rate
  const withMissing = values.map((v, i) => (i % 10 === 3 ? NaN : v));
  const b = binColumn(numeric(withMissing), labels);

  it('puts NaN into a missing bin of its own', () => {
    const missing = b.bins.filter((x) => x.missing);
    expect(missing).toHaveLength(1);
    expect(b.bins[b.bins.length - 1]!.missing).toBe(true);
    expect(b.bins[b.bins.length - 1]!.label).toBe('missing');
    const nMissing = withMissing.filter((v) => Number.isNaN(v)).length;
    expect(missing[0]!.count).toBe(nMissing);
    expect(missing[0]!.events).toBe(labels.filter((y, i) => y === 1 && i % 10 === 3).length);
    expect(binOf(b, NaN)).toBe(b.bins.length - 1);
    expect(binOf(b, null)).toBe(b.bins.length - 1);
    expect(binOf(b, 'NA')).toBe(b.bins.length - 1);
  });

  it('covers every row exactly once, and binOf finds the bin that counted each value', () => {
    expect(b.bins.reduce((s, x) => s + x.count, 0)).toBe(3000);
    expect(b.bins.reduce((s, x) => s + x.events, 0)).toBe(labels.reduce((s, y) => s + y, 0));
    const { counts, events } = recount(b, withMissing, labels);
    expect(counts).toEqual(b.bins.map((x) => x.count));
    expect(events).toEqual(b.bins.map((x) => x.events));
  });

  it('has adjoining ranges from −∞ to +∞ with matching labels', () => {
    const ranges = b.bins.filter((x) => !x.missing);
    expect(ranges[0]!.lower).toBeNull();
    expect(ranges[ranges.length - 1]!.upper).toBeNull();
    for (let k = 1; k < ranges.length; k++) expect(ranges[k]!.lower).toBe(ranges[k - 1]!.upper);
    expect(ranges[0]!.label).toBe(`< ${ranges[0]!.upper}`);
    expect(ranges[1]!.label).toBe(`[${ranges[1]!.lower}, ${ranges[1]!.upper})`);
    expect(ranges[ranges.length - 1]!.label).toBe(`≥ ${ranges[ranges.length - 1]!.lower}`);
    // values beyond the training range fall in the outer bins
    expect(binOf(b, -1e9)).toBe(0);
    expect(binOf(b, 1e9)).toBe(ranges.length - 1);
    expect(binOf(b, ranges[1]!.lower!)).toBe(1);
    expect(binOf(b, ranges[1]!.upper! - 1e-9)).toBe(1);
  });

  it('finds the ascending trend of a rate that grows with the value', () => {
    expect(b.trend).toBe('ascending');
    const rates = b.bins.filter((x) => !x.missing).map((x) => x.eventRate);
    expect(rates.length).toBeGreaterThanOrEqual(3);
    for (let k = 1; k < rates.length; k++) expect(rates[k]!).toBeGreaterThan(rates[k - 1]!);
    // WoE falls as the risk rises
    const woes = b.bins.filter((x) => !x.missing).map((x) => x.woe);
    for (let k = 1; k < woes.length; k++) expect(woes[k]!).toBeLessThan(woes[k - 1]!);
  });

  it('respects the default maximum number of bins and minimum bin share', () => {
    const ranges = b.bins.filter((x) => !x.missing);
    expect(ranges.length).toBeLessThanOrEqual(DEFAULT_BINNING.maxBins);
    const present = withMissing.filter((v) => !Number.isNaN(v)).length;
    for (const x of ranges)
      expect(x.count).toBeGreaterThanOrEqual(Math.ceil(DEFAULT_BINNING.minBinShare * present));
  });

  it('has an IV that is the sum of the bins’ and WoE/rates that follow from the counts', () => {
    expect(b.iv).toBeCloseTo(
      b.bins.reduce((s, x) => s + x.iv, 0),
      14,
    );
    const bads = labels.reduce((s, y) => s + y, 0);
    const goods = labels.length - bads;
    for (const x of b.bins) {
      expect(x.eventRate).toBeCloseTo(x.events / x.count, 15);
      const w = woeOf(x.count - x.events, x.events, goods, bads);
      expect(x.woe).toBeCloseTo(w.woe, 14);
      expect(x.iv).toBeCloseTo(w.iv, 14);
    }
  });

  it('falls back on the lowest-WoE bin', () => {
    const lowest = b.bins.reduce((m, x, k) => (x.woe < b.bins[m]!.woe ? k : m), 0);
    expect(b.fallback).toBe(lowest);
  });

  it('finds a descending trend for a rate that falls with the value', () => {
    const d = sample(8, 3000, (x) => 0.5 - 0.4 * (x / 100));
    const r = binColumn(numeric(d.values), d.labels);
    expect(r.trend).toBe('descending');
    expect(r.bins.some((x) => x.missing)).toBe(false);
    for (let k = 1; k < r.bins.length; k++)
      expect(r.bins[k]!.eventRate).toBeLessThan(r.bins[k - 1]!.eventRate);
    // no missing bin in training: a missing value goes to the fallback
    expect(binOf(r, NaN)).toBe(r.fallback);
    expect(binOf(r, null)).toBe(r.fallback);
    // the riskiest bin is the first, of the smallest values
    expect(r.fallback).toBe(0);
  });

  it('finds a valley when the risk is high at both ends, and a peak when it is high between', () => {
    const u = sample(9, 4000, (x) => 0.05 + 0.6 * ((x - 50) / 50) ** 2);
    const valley = binColumn(numeric(u.values), u.labels);
    expect(valley.trend).toBe('valley');
    const rates = valley.bins.map((x) => x.eventRate);
    const low = rates.indexOf(Math.min(...rates));
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThan(rates.length - 1);
    for (let k = 1; k <= low; k++) expect(rates[k]!).toBeLessThan(rates[k - 1]!);
    for (let k = low + 1; k < rates.length; k++) expect(rates[k]!).toBeGreaterThan(rates[k - 1]!);

    const n = sample(10, 4000, (x) => 0.65 - 0.6 * ((x - 50) / 50) ** 2);
    expect(binColumn(numeric(n.values), n.labels).trend).toBe('peak');
  });

  it('keeps to a monotonic trend for a U shape when asked, with fewer information', () => {
    const u = sample(9, 4000, (x) => 0.05 + 0.6 * ((x - 50) / 50) ** 2);
    const auto = binColumn(numeric(u.values), u.labels);
    const mono = binColumn(numeric(u.values), u.labels, { trend: 'monotonic' });
    expect(['ascending', 'descending', 'none']).toContain(mono.trend);
    expect(mono.iv).toBeLessThan(auto.iv);
    const asc = binColumn(numeric(u.values), u.labels, { trend: 'ascending' });
    for (let k = 1; k < asc.bins.length; k++)
      expect(asc.bins[k]!.eventRate).toBeGreaterThan(asc.bins[k - 1]!.eventRate);
  });

  it('does not take a weak turn over a monotonic trend (turnGain)', () => {
    // ascending, with a slight dip at the top end
    const s = sample(11, 4000, (x) => (x < 90 ? 0.05 + 0.4 * (x / 100) : 0.38));
    const r = binColumn(numeric(s.values), s.labels);
    expect(r.trend).toBe('ascending');
    // a peak carries a little more information, less than the 10 % a turn must add
    const any = binColumn(numeric(s.values), s.labels, { turnGain: 0 });
    expect(any.trend).toBe('peak');
    expect(any.iv).toBeGreaterThan(r.iv);
    expect(any.iv).toBeLessThan(r.iv * (1 + DEFAULT_BINNING.turnGain));
  });

  it('makes one fine class per value when there are few, splitting at the values', () => {
    // x in {0, 1, 2} with event rates 0.2, 0.5, 0.1 and no shape: three bins
    const v: number[] = [];
    const y: number[] = [];
    const add = (x: number, n: number, events: number) => {
      for (let i = 0; i < n; i++) {
        v.push(x);
        y.push(i < events ? 1 : 0);
      }
    };
    add(2, 50, 5);
    add(0, 50, 10);
    add(1, 50, 25);
    const r = binColumn(numeric(v), y, { trend: 'none', minBinShare: 0 });
    expect(r.bins.map((x) => x.label)).toEqual(['< 1', '[1, 2)', '≥ 2']);
    expect(r.bins.map((x) => [x.count, x.events])).toEqual([
      [50, 10],
      [50, 25],
      [50, 5],
    ]);
    expect(r.trend).toBe('none');
    expect(binOf(r, 0)).toBe(0);
    expect(binOf(r, 1)).toBe(1);
    expect(binOf(r, 1.5)).toBe(1);
    expect(binOf(r, 2)).toBe(2);
  });

  it('makes fine classes of about equal frequency when there are many values', () => {
    // 1000 distinct values, 5 fine classes, no shape to merge by: 5 bins of 200
    const next = lcg(5);
    const v = Array.from({ length: 1000 }, (_, i) => i);
    const y = v.map(() => (next() < 0.3 ? 1 : 0));
    const r = binColumn(numeric(v), y, { fineBins: 5, trend: 'none', minBinShare: 0 });
    expect(r.bins.map((x) => x.count)).toEqual([200, 200, 200, 200, 200]);
    expect(r.bins.map((x) => x.lower)).toEqual([null, 200, 400, 600, 800]);
  });

  it('formats fractional cut points with at most six significant digits', () => {
    const v = [0.1234567, 0.1234567, 0.5, 0.5, 0.9, 0.9];
    const y = [0, 0, 0, 1, 1, 1];
    const r = binColumn(numeric(v), y, { minBinShare: 0 });
    expect(r.bins.map((x) => x.label)).toEqual(['< 0.5', '[0.5, 0.9)', '≥ 0.9']);
    const w = [1, 1, 2.0000001, 2.0000001];
    expect(binColumn(numeric(w), [0, 0, 1, 1], { minBinShare: 0 }).bins[1]!.label).toBe('≥ 2');
  });

  it('makes one bin of everything when no trend holds', () => {
    // equal event rates at every value: no split improves on one bin under any trend
    const v = [1, 1, 2, 2, 3, 3, 4, 4];
    const y = [0, 1, 0, 1, 0, 1, 0, 1];
    const r = binColumn(numeric(v), y, { minBinShare: 0 });
    expect(r.bins).toHaveLength(1);
    expect(r.bins[0]).toMatchObject({ label: 'all', lower: null, upper: null, count: 8 });
    expect(r.trend).toBe('none');
    expect(r.iv).toBe(0);
  });

  it('gives an empty "all" bin and the missing bin when every value is missing', () => {
    const r = binColumn(numeric([NaN, NaN, NaN]), [0, 1, 0]);
    expect(r.bins.map((x) => [x.label, x.count])).toEqual([
      ['all', 0],
      ['missing', 3],
    ]);
    expect(binOf(r, NaN)).toBe(1);
  });

  it('rejects labels of the wrong length and labels with one class', () => {
    expect(() => binColumn(numeric([1, 2, 3]), [0, 1])).toThrow(
      'column x has 3 values for 2 labels',
    );
    expect(() => binColumn(numeric([1, 2, 3]), [0, 0, 0])).toThrow(
      'binning needs both events and non-events',
    );
    expect(() => binColumn(numeric([1, 2, 3]), [1, 1, 1])).toThrow(RangeError);
  });

  // binOf takes text for numeric characteristics and reads it with Number(), which reads a
  // blank as 0: '' and '  ' land in the bin of 0 rather than the missing bin (compileScorer's
  // lookup, which reads '' as missing, disagrees).
  it('reads a blank text as missing for a numeric characteristic', () => {
    const r = binColumn(numeric([0, 0, 5, 5, NaN, NaN]), [0, 0, 1, 1, 1, 0], { minBinShare: 0 });
    const missing = r.bins.findIndex((x) => x.missing);
    expect(binOf(r, '')).toBe(missing);
  });
});

describe('binColumn, categorical', () => {
  /** Rows of a category with a given number of events. */
  function rows(spec: [string | null, number, number][]) {
    const values: (string | null)[] = [];
    const labels: number[] = [];
    for (const [cat, n, events] of spec)
      for (let i = 0; i < n; i++) {
        values.push(cat);
        labels.push(i < events ? 1 : 0);
      }
    return { values, labels };
  }

  it('pools rare categories as "other", which also takes unseen categories', () => {
    // 1000 rows; with a 2 % minimum share, r1 and r2 (5 rows each) are rare
    const d = rows([
      ['A', 400, 20],
      ['B', 300, 60],
      ['C', 290, 150],
      ['r1', 5, 4],
      ['r2', 5, 3],
    ]);
    const r = binColumn(categorical(d.values), d.labels, {
      minCategoryShare: 0.02,
      minBinShare: 0,
    });
    expect(r.kind).toBe('categorical');
    expect(r.trend).toBe('ascending');
    const other = r.bins.findIndex((x) => x.other);
    expect(other).toBeGreaterThanOrEqual(0);
    expect(r.bins[other]!.categories).toContain('r1');
    expect(r.bins[other]!.categories).toContain('r2');
    expect(binOf(r, 'r1')).toBe(other);
    expect(binOf(r, 'never seen')).toBe(other);
    // A, B and C are named and each in a bin
    for (const c of ['A', 'B', 'C']) expect(r.bins[binOf(r, c)]!.categories).toContain(c);
    expect(r.bins.reduce((s, x) => s + x.count, 0)).toBe(1000);
    const { counts, events } = recount(r, d.values, d.labels);
    expect(counts).toEqual(r.bins.map((x) => x.count));
    expect(events).toEqual(r.bins.map((x) => x.events));
  });

  it('labels the pooled bin "other" and named groups by their categories', () => {
    const d = rows([
      ['A', 400, 20],
      ['B', 300, 150],
      ['r1', 5, 5],
      ['r2', 5, 5],
    ]);
    const r = binColumn(categorical(d.values), d.labels, {
      minCategoryShare: 0.02,
      minBinShare: 0,
    });
    // rates A 0.05, B 0.5, other 1.0: three bins, in ascending rate
    expect(r.bins.map((x) => x.label)).toEqual(['{A}', '{B}', 'other']);
    expect(r.bins[2]!.other).toBe(true);
    expect(r.bins[2]!.categories).toEqual(['r1', 'r2']);
  });

  it('groups categories of the same event rate, labelled by their sorted names', () => {
    // C and A have the same rate; B is riskier; the best grouping keeps {A, C} and {B}
    const d = rows([
      ['C', 100, 10],
      ['B', 100, 50],
      ['A', 100, 10],
    ]);
    const r = binColumn(categorical(d.values), d.labels, { minBinShare: 0 });
    expect(r.bins.map((x) => x.label)).toEqual(['{A, C}', '{B}']);
    expect(r.bins[0]!.categories).toEqual(['A', 'C']);
    expect(r.bins.every((x) => !x.other)).toBe(true);
  });

  it('sends unseen categories to the fallback, the lowest-WoE bin, when there is no "other"', () => {
    const d = rows([
      ['A', 100, 5],
      ['B', 100, 30],
      ['C', 100, 60],
    ]);
    const r = binColumn(categorical(d.values), d.labels, { minBinShare: 0 });
    expect(r.bins.some((x) => x.other)).toBe(false);
    const lowest = r.bins.reduce((m, x, k) => (x.woe < r.bins[m]!.woe ? k : m), 0);
    expect(r.fallback).toBe(lowest);
    expect(r.bins[lowest]!.categories).toEqual(['C']);
    expect(binOf(r, 'Z')).toBe(lowest);
    // and missing values, since training had none
    expect(binOf(r, null)).toBe(lowest);
  });

  it('puts missing categories into a missing bin', () => {
    const d = rows([
      ['A', 100, 5],
      ['B', 100, 30],
      [null, 50, 40],
    ]);
    const r = binColumn(categorical(d.values), d.labels, { minBinShare: 0 });
    const m = r.bins.findIndex((x) => x.missing);
    expect(m).toBe(r.bins.length - 1);
    expect(r.bins[m]).toMatchObject({ label: 'missing', count: 50, events: 40 });
    expect(binOf(r, null)).toBe(m);
    expect(r.bins.reduce((s, x) => s + x.count, 0)).toBe(250);
  });

  it('shortens a label with more than six categories', () => {
    // seven categories with one rate, all in one bin
    const d = rows(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((c) => [c, 10, 2]));
    const r = binColumn(categorical(d.values), d.labels, { minBinShare: 0 });
    expect(r.bins).toHaveLength(1);
    expect(r.bins[0]!.label).toBe('{a, b, c, d, e, f, … 1 more}');
    expect(r.bins[0]!.categories).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('orders its bins by event rate', () => {
    const next = lcg(3);
    const risk: Record<string, number> = { A: 0.05, B: 0.5, C: 0.2, D: 0.35, E: 0.1 };
    const values: string[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const c = 'ABCDE'[Math.floor(next() * 5)]!;
      values.push(c);
      labels.push(next() < risk[c]! ? 1 : 0);
    }
    const r = binColumn(categorical(values), labels);
    expect(r.bins.map((x) => x.label)).toEqual(['{A}', '{E}', '{C}', '{D}', '{B}']);
    for (let k = 1; k < r.bins.length; k++)
      expect(r.bins[k]!.eventRate).toBeGreaterThan(r.bins[k - 1]!.eventRate);
  });
});
