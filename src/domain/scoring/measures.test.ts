import { describe, expect, it } from 'vitest';
import {
  auc,
  brier,
  calibrationTable,
  gini,
  histogram,
  ks,
  logLoss,
  psi,
  psiOfScores,
  quantileBreaks,
  summary,
} from './measures.ts';

/** A small seeded linear congruential generator (Numerical Recipes constants), in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** AUC by counting every (event, non-event) pair: 1 when the event scores higher, ½ on a tie. */
function bruteAuc(scores: readonly number[], labels: readonly number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i]! > scores[j]!) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

/** KS by evaluating both cumulative distributions at every distinct score from scratch. */
function bruteKs(scores: readonly number[], labels: readonly number[]): number {
  const events = labels.filter((y) => y === 1).length;
  const nonEvents = labels.length - events;
  let best = 0;
  for (const s of new Set(scores)) {
    let e = 0;
    let ne = 0;
    scores.forEach((x, i) => {
      if (x <= s) {
        if (labels[i] === 1) e++;
        else ne++;
      }
    });
    best = Math.max(best, Math.abs(e / events - ne / nonEvents));
  }
  return best;
}

function randomSample(seed: number, n: number, levels: number): [number[], number[]] {
  const next = lcg(seed);
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = Math.floor(next() * levels);
    scores.push(s);
    // Events are likelier at high scores, so the AUC is well away from 0.5.
    labels.push(next() < 0.15 + (0.6 * s) / levels ? 1 : 0);
  }
  return [scores, labels];
}

describe('auc', () => {
  it('is 0.875 for scores [1, 2, 2, 3] and labels [0, 0, 1, 1]', () => {
    // Pairs (event, non-event): (2,1) 1, (2,2) ½, (3,1) 1, (3,2) 1 → 3.5 / 4 = 0.875.
    // Mid-ranks 1, 2.5, 2.5, 4; R₁ = 2.5 + 4 = 6.5; U = 6.5 − 2·3/2 = 3.5.
    expect(auc([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.875);
  });

  it('is 7/18 for six rows with a tie across the classes', () => {
    // scores [3, 1, 4, 1, 5, 9], labels [1, 0, 0, 1, 1, 0]: events 3, 1, 5; non-events 1, 4, 9.
    // Sorted 1 1 3 4 5 9 → mid-ranks 1.5 1.5 3 4 5 6; R₁ = 3 + 1.5 + 5 = 9.5; U = 9.5 − 6 = 3.5.
    // Pairs: 3 beats 1; 1 ties 1 (½); 5 beats 1 and 4 → 3.5 of 9 pairs.
    expect(auc([3, 1, 4, 1, 5, 9], [1, 0, 0, 1, 1, 0])).toBeCloseTo(7 / 18, 15);
  });

  it('is 1 for perfect separation, 0 when inverted, 0.5 when all scores tie', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    expect(auc([7, 7, 7, 7, 7], [0, 1, 0, 1, 1])).toBe(0.5);
  });

  it('does not depend on the order of the rows', () => {
    const scores = [2, 1, 3, 2, 2, 1];
    const labels = [1, 0, 1, 0, 1, 1];
    const reversed = auc([...scores].reverse(), [...labels].reverse());
    expect(reversed).toBe(auc(scores, labels));
  });

  it('agrees with a count over all pairs on random data with many ties', () => {
    for (const seed of [1, 2, 3, 42]) {
      const [scores, labels] = randomSample(seed, 300, 12);
      expect(auc(scores, labels)).toBeCloseTo(bruteAuc(scores, labels), 12);
    }
    // And with nearly distinct scores.
    const [scores, labels] = randomSample(7, 500, 1e6);
    expect(auc(scores, labels)).toBeCloseTo(bruteAuc(scores, labels), 12);
  });

  it('accepts typed arrays', () => {
    expect(auc(new Float64Array([1, 2, 2, 3]), new Uint8Array([0, 0, 1, 1]))).toBe(0.875);
  });
});

describe('ks', () => {
  it('is 0.5 for scores [1, 2, 2, 3] and labels [0, 0, 1, 1], stepping over the tie', () => {
    // s = 1: F_event 0, F_non 1/2 → 0.5; s = 2: 1/2 vs 1 → 0.5; s = 3: 1 vs 1 → 0.
    // Splitting the tie with the non-event first would wrongly see 0 vs 1 → 1.
    expect(ks([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.5);
    expect(ks([1, 2, 2, 3], [0, 1, 0, 1])).toBe(0.5);
  });

  it('is 1/3 for the six-row example', () => {
    // Events 1, 3, 5; non-events 1, 4, 9. At s = 1: 1/3 vs 1/3; 3: 2/3 vs 1/3 → 1/3;
    // 4: 2/3 vs 2/3; 5: 1 vs 2/3 → 1/3; 9: 1 vs 1.
    expect(ks([3, 1, 4, 1, 5, 9], [1, 0, 0, 1, 1, 0])).toBeCloseTo(1 / 3, 15);
  });

  it('is 1 for perfect or inverted separation and 0 when all scores tie', () => {
    expect(ks([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(ks([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(1);
    expect(ks([7, 7, 7, 7, 7], [0, 1, 0, 1, 1])).toBe(0);
  });

  it('agrees with the cumulative distributions computed from scratch on random data', () => {
    for (const seed of [1, 2, 3, 42]) {
      const [scores, labels] = randomSample(seed, 300, 12);
      expect(ks(scores, labels)).toBeCloseTo(bruteKs(scores, labels), 12);
    }
  });
});

describe('gini', () => {
  it('is 2·AUC − 1', () => {
    expect(gini([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.75);
    // 2·7/18 − 1 = −2/9
    expect(gini([3, 1, 4, 1, 5, 9], [1, 0, 0, 1, 1, 0])).toBeCloseTo(-2 / 9, 15);
    expect(gini([0.1, 0.9], [1, 0])).toBe(-1);
  });
});

describe('ranking measures under transforms of the score', () => {
  const [scores, labels] = randomSample(11, 400, 20);
  const a = auc(scores, labels);
  const k = ks(scores, labels);

  it.each([
    ['3s + 7', (s: number) => 3 * s + 7],
    ['exp(s)', (s: number) => Math.exp(s)],
    ['s³', (s: number) => s ** 3],
    ['logistic(s − 10)', (s: number) => 1 / (1 + Math.exp(-(s - 10)))],
  ])('AUC and KS do not change under the increasing map %s', (_name, f) => {
    const t = scores.map(f);
    expect(auc(t, labels)).toBeCloseTo(a, 14);
    expect(ks(t, labels)).toBeCloseTo(k, 14);
  });

  it('a decreasing map turns AUC into 1 − AUC and keeps KS', () => {
    const t = scores.map((s) => -2 * s);
    expect(auc(t, labels)).toBeCloseTo(1 - a, 14);
    expect(ks(t, labels)).toBeCloseTo(k, 14);
  });
});

describe('brier', () => {
  it('is the mean squared error', () => {
    // (0.1 − 0)² + (0.8 − 1)² + (0.6 − 1)² + (0.3 − 0)² = 0.01 + 0.04 + 0.16 + 0.09 = 0.30; / 4
    expect(brier([0.1, 0.8, 0.6, 0.3], [0, 1, 1, 0])).toBeCloseTo(0.075, 15);
    expect(brier([0.5, 0.5], [0, 1])).toBe(0.25);
    expect(brier([0, 1, 1], [0, 1, 1])).toBe(0);
  });

  it('allows one class only', () => {
    expect(brier([0.2, 0.4], [0, 0])).toBeCloseTo((0.04 + 0.16) / 2, 15);
  });
});

describe('logLoss', () => {
  it('is the mean negative log-likelihood', () => {
    // −(ln 0.9 + ln 0.8 + ln 0.6 + ln 0.7)/4 = −ln(0.3024)/4 = 1.1960046/4 = 0.2990012
    expect(logLoss([0.1, 0.8, 0.6, 0.3], [0, 1, 1, 0])).toBeCloseTo(0.2990011586691898, 14);
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.LN2, 15);
  });

  it('clips probabilities at 1e-15', () => {
    // A certain wrong answer costs −ln(1e-15) = 34.538776…, not infinity.
    expect(logLoss([0], [1])).toBeCloseTo(34.538776394910684, 10);
    expect(logLoss([1], [0])).toBeCloseTo(34.538776394910684, 1);
    expect(logLoss([1, 0], [1, 0])).toBeCloseTo(0, 12);
    expect(Number.isFinite(logLoss([1, 0], [0, 1]))).toBe(true);
  });
});

describe('calibrationTable', () => {
  const bands = ['B', 'A', 'B', 'C', 'A', 'B'];
  const probabilities = [0.2, 0.1, 0.3, 0.5, 0.1, 0.4];
  const labels = [0, 0, 1, 1, 0, 0];

  it('gives one row per band in first-seen order and a separate total', () => {
    const table = calibrationTable(bands, probabilities, labels);
    expect(table.rows.map((r) => r.band)).toEqual(['B', 'A', 'C']);
    // B: rows 0, 2, 5 → n 3, events 1, mean predicted (0.2 + 0.3 + 0.4)/3 = 0.3, share 3/6
    const [b, a, c] = table.rows;
    expect(b).toMatchObject({ band: 'B', n: 3, events: 1, share: 0.5 });
    expect(b!.eventRate).toBeCloseTo(1 / 3, 15);
    expect(b!.meanPredicted).toBeCloseTo(0.3, 15);
    // A: rows 1, 4 → n 2, no events, mean 0.1, share 1/3
    expect(a).toMatchObject({ band: 'A', n: 2, events: 0, eventRate: 0 });
    expect(a!.meanPredicted).toBeCloseTo(0.1, 15);
    expect(a!.share).toBeCloseTo(1 / 3, 15);
    // C: row 3 → n 1, 1 event, mean 0.5, share 1/6
    expect(c).toMatchObject({ band: 'C', n: 1, events: 1, eventRate: 1, meanPredicted: 0.5 });
    expect(c!.share).toBeCloseTo(1 / 6, 15);
    // Total: n 6, 2 events, mean (0.2 + 0.1 + 0.3 + 0.5 + 0.1 + 0.4)/6 = 1.6/6
    expect(table.total).toMatchObject({ n: 6, events: 2, share: 1 });
    expect(table.total.eventRate).toBeCloseTo(1 / 3, 15);
    expect(table.total.meanPredicted).toBeCloseTo(1.6 / 6, 15);
  });

  it('follows the given order and keeps empty bands with null rates', () => {
    const table = calibrationTable(bands, probabilities, labels, ['A', 'B', 'C', 'D']);
    expect(table.rows.map((r) => [r.band, r.n])).toEqual([
      ['A', 2],
      ['B', 3],
      ['C', 1],
      ['D', 0],
    ]);
    expect(table.rows[3]).toEqual({
      band: 'D',
      n: 0,
      events: 0,
      eventRate: null,
      meanPredicted: null,
      share: 0,
    });
  });

  it('rejects bands not in the order, repeated bands and mismatched lengths', () => {
    expect(() => calibrationTable(bands, probabilities, labels, ['A', 'B'])).toThrow(
      /bands\[3\] is "C", which is not in order/,
    );
    expect(() => calibrationTable(bands, probabilities, labels, ['A', 'B', 'C', 'A'])).toThrow(
      RangeError,
    );
    expect(() => calibrationTable(['A'], probabilities, labels)).toThrow(RangeError);
    expect(() => calibrationTable([], [], [])).toThrow(RangeError);
    expect(() => calibrationTable(['A', 'A'], [0.5, 1.5], [0, 1])).toThrow(RangeError);
  });
});

describe('quantileBreaks and histogram', () => {
  it('cuts 1..10 into quartiles at 3, 5 and 8', () => {
    // n = 10, k = 4: positions ⌈2.5⌉ = 3, ⌈5⌉ = 5, ⌈7.5⌉ = 8 → values 3, 5, 8.
    const values = [7, 2, 9, 4, 1, 10, 3, 6, 8, 5];
    const breaks = quantileBreaks(values, 4);
    expect(breaks).toEqual([3, 5, 8]);
    // (−∞, 3] holds 1 2 3; (3, 5] 4 5; (5, 8] 6 7 8; (8, ∞) 9 10.
    expect(histogram(values, breaks)).toEqual([3, 2, 3, 2]);
  });

  it('keeps ties in one bin and merges cut points that coincide', () => {
    // n = 10, k = 5: positions 2, 4, 6, 8 → values 1, 1, 3, 3 → distinct 1, 3.
    const values = [1, 1, 1, 1, 2, 3, 3, 3, 4, 5];
    const breaks = quantileBreaks(values, 5);
    expect(breaks).toEqual([1, 3]);
    expect(histogram(values, breaks)).toEqual([4, 4, 2]);
  });

  it('never cuts at the largest value, so no bin of the sample is empty', () => {
    // n = 5, k = 2: position ⌈2.5⌉ = 3 → 2, which is the maximum: no break.
    expect(quantileBreaks([1, 2, 2, 2, 2], 2)).toEqual([]);
    expect(quantileBreaks([5, 5, 5], 3)).toEqual([]);
    expect(quantileBreaks([1, 2, 3], 1)).toEqual([]);
    // More bins than values: each value but the largest becomes a break.
    expect(quantileBreaks([3, 1, 2], 10)).toEqual([1, 2]);
  });

  it('gives equal-frequency bins on distinct values', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    expect(histogram(values, quantileBreaks(values, 10))).toEqual(new Array(10).fill(100));
  });

  it('puts values on a break in the bin below, and handles no breaks', () => {
    expect(histogram([0, 1, 1.5, 2, 2.5, 99], [1, 2])).toEqual([2, 2, 2]);
    expect(histogram([-5, 5], [])).toEqual([2]);
    expect(histogram([], [1])).toEqual([0, 0]);
  });

  it('rejects bad input', () => {
    expect(() => quantileBreaks([], 4)).toThrow(RangeError);
    expect(() => quantileBreaks([1, 2], 0)).toThrow(RangeError);
    expect(() => quantileBreaks([1, 2], 2.5)).toThrow(RangeError);
    expect(() => quantileBreaks([1, NaN], 2)).toThrow(RangeError);
    expect(() => histogram([1], [2, 2])).toThrow(/strictly increasing/);
    expect(() => histogram([1], [3, 2])).toThrow(RangeError);
    expect(() => histogram([NaN], [1])).toThrow(RangeError);
  });
});

describe('psi', () => {
  it('works a three-bin example', () => {
    // e = 0.5 0.3 0.2, a = 0.4 0.3 0.3:
    // (0.4 − 0.5)·ln(0.8) = 0.0223144; 0; (0.3 − 0.2)·ln(1.5) = 0.0405465; sum 0.0628609
    const r = psi([50, 30, 20], [40, 30, 30]);
    expect(r.psi).toBeCloseTo(0.06286086594223741, 14);
    expect(r.bins).toHaveLength(3);
    expect(r.bins[0]!.expectedShare).toBe(0.5);
    expect(r.bins[0]!.actualShare).toBe(0.4);
    expect(r.bins[0]!.contribution).toBeCloseTo(0.02231435513142098, 15);
    expect(r.bins[1]!.contribution).toBe(0);
    expect(r.bins[2]!.contribution).toBeCloseTo(0.04054651081081644, 15);
  });

  it('floors empty bins at epsilon instead of giving infinity', () => {
    // e = 1, 0 → floored 1, 1e-4; a = 0.9, 0.1.
    // (0.9 − 1)·ln(0.9) = 0.0105361; (0.1 − 0.0001)·ln(1000) = 0.6900848; sum 0.7006208
    const r = psi([10, 0], [9, 1]);
    expect(r.psi).toBeCloseTo(0.7006208039360982, 14);
    expect(r.bins[1]!.expectedShare).toBe(0);
    expect(r.bins[1]!.contribution).toBeCloseTo(0.6900847523703155, 14);
    // A larger floor gives a smaller term: (0.1 − 0.01)·ln(10) = 0.2072327
    expect(psi([10, 0], [9, 1], 0.01).bins[1]!.contribution).toBeCloseTo(0.09 * Math.LN10, 14);
  });

  it('is 0 for the same shares, whatever the totals', () => {
    expect(psi([1, 2, 3], [10, 20, 30]).psi).toBeCloseTo(0, 15);
  });

  it('rejects bad input', () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(/differ in length/);
    expect(() => psi([], [])).toThrow(RangeError);
    expect(() => psi([0, 0], [1, 1])).toThrow(/sum to 0/);
    expect(() => psi([1, -1], [1, 1])).toThrow(RangeError);
    expect(() => psi([1, NaN], [1, 1])).toThrow(RangeError);
    expect(() => psi([1, 1], [1, 1], 0)).toThrow(RangeError);
  });
});

describe('psiOfScores', () => {
  it('bins both samples by the quantiles of the expected one', () => {
    // Expected 1..10, k = 2: break at ⌈5⌉ → 5; expected counts 5, 5 → shares 0.5, 0.5.
    // Actual 1 2 | 6 7 8 9 10 11 → shares 0.25, 0.75.
    // (0.25 − 0.5)·ln(0.5) + (0.75 − 0.5)·ln(1.5) = 0.25·ln 2 + 0.25·ln 1.5 = 0.25·ln 3
    const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const r = psiOfScores(expected, [1, 2, 6, 7, 8, 9, 10, 11], 2);
    expect(r.breaks).toEqual([5]);
    expect(r.bins.map((b) => b.actualShare)).toEqual([0.25, 0.75]);
    expect(r.psi).toBeCloseTo(0.25 * Math.log(3), 14);
  });

  it('is 0 for the same sample and grows with a shift', () => {
    const next = lcg(5);
    const base = Array.from({ length: 2000 }, () => next());
    expect(psiOfScores(base, base).psi).toBe(0);
    expect(psiOfScores(base, base).bins).toHaveLength(10);
    const small = psiOfScores(
      base,
      base.map((x) => x + 0.02),
    ).psi;
    const large = psiOfScores(
      base,
      base.map((x) => x + 0.2),
    ).psi;
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
  });

  it('rejects empty samples', () => {
    expect(() => psiOfScores([], [1])).toThrow(RangeError);
    expect(() => psiOfScores([1], [])).toThrow(RangeError);
  });
});

describe('summary', () => {
  it('gives counts and the ranking measures, and the Brier score when asked', () => {
    const s = summary([1, 2, 2, 3], [0, 0, 1, 1]);
    expect(s).toEqual({ n: 4, events: 2, auc: 0.875, ks: 0.5, gini: 0.75 });
    expect('brier' in s).toBe(false);
    const p = summary([0.1, 0.8, 0.6, 0.3], [0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]);
    // Events 0.8, 0.6 beat both non-events 0.1, 0.3: AUC 1, KS 1.
    expect(p).toMatchObject({ n: 4, events: 2, auc: 1, ks: 1, gini: 1 });
    expect(p.brier).toBeCloseTo(0.075, 15);
  });

  it('matches the single measures on random data', () => {
    const [scores, labels] = randomSample(3, 250, 15);
    const s = summary(scores, labels);
    expect(s.auc).toBe(auc(scores, labels));
    expect(s.ks).toBe(ks(scores, labels));
    expect(s.gini).toBe(gini(scores, labels));
    expect(s.events).toBe(labels.filter((y) => y === 1).length);
  });

  it('rejects probabilities of the wrong length or range', () => {
    expect(() => summary([1, 2], [0, 1], [0.5])).toThrow(/differ in length/);
    expect(() => summary([1, 2], [0, 1], [0.5, 2])).toThrow(RangeError);
  });
});

describe('input checks', () => {
  const rankers = { auc, ks, gini, summary };

  it.each(Object.entries(rankers))('%s rejects bad scores and labels', (name, f) => {
    expect(() => f([1, 2, 3], [0, 1])).toThrow(new RegExp(`^${name}: .*differ in length`));
    expect(() => f([], [])).toThrow(/empty/);
    expect(() => f([1, 2], [0, 2])).toThrow(/labels\[1\] must be 0 or 1, got 2/);
    expect(() => f([1, 2], [0, 0.5])).toThrow(RangeError);
    expect(() => f([1, 2], [0, NaN])).toThrow(RangeError);
    expect(() => f([1, NaN], [0, 1])).toThrow(/scores\[1\] is not a finite number/);
    expect(() => f([1, Infinity], [0, 1])).toThrow(RangeError);
    expect(() => f([1, 2], [1, 1])).toThrow(/needs both classes/);
    expect(() => f([1, 2], [0, 0])).toThrow(/needs both classes/);
  });

  it.each([
    ['brier', brier],
    ['logLoss', logLoss],
  ] as const)('%s rejects bad probabilities and labels', (name, f) => {
    expect(() => f([0.5], [0, 1])).toThrow(new RegExp(`^${name}: .*differ in length`));
    expect(() => f([], [])).toThrow(/empty/);
    expect(() => f([1.2], [1])).toThrow(/probabilities\[0\] must be in \[0, 1\], got 1.2/);
    expect(() => f([-0.1], [1])).toThrow(RangeError);
    expect(() => f([NaN], [1])).toThrow(RangeError);
    expect(() => f([0.5], [-1])).toThrow(/labels\[0\] must be 0 or 1/);
  });
});
