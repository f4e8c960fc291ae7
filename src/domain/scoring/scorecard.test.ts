import { describe, expect, it } from 'vitest';
import { binOf, type Binning } from './binning.ts';
import { parseFeatureSpec } from './features.ts';
import { sigmoid } from './logistic.ts';
import { auc, histogram } from './measures.ts';
import { parseModel, type Characteristic, type ScorecardModel } from './model.ts';
import {
  bandOf,
  compileScorer,
  scoreRow,
  scoreRows,
  stratifiedSplit,
  subsetTable,
  trainScorecard,
  TrainingError,
  type TrainInput,
} from './scorecard.ts';
import { categoryOf, numberOf, readTarget, tableOfRows, type Cell, type Table } from './table.ts';

/** A small seeded linear congruential generator (Numerical Recipes constants), in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const GRADE_EFFECT: Record<string, number> = { A: -0.8, B: 0, C: 0.5, D: 1 };

/**
 * A table drawn from a known logistic model of the event:
 * η = −1.4 − 0.03·(x1 − 50) + 0.8·x2 (0.6 when x2 is missing) + effect(grade).
 * x1 is an integer in [0, 100], x2 standard normal and missing in 10 % of rows, grade one of
 * A–D; noise is unrelated to the event, constant is 7, id_text a unique text per row and
 * x1_copy a copy of x1 (same IV, so the name decides: x1 stays).
 */
function synthetic(seed: number, n: number) {
  const next = lcg(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const header = ['id_text', 'x1', 'x2', 'grade', 'noise', 'constant', 'x1_copy', 'y'];
  const rows: Cell[][] = [];
  const probabilities: number[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = Math.floor(next() * 101);
    const missing = next() < 0.1;
    const x2 = normal();
    const grade = 'ABCD'[Math.floor(next() * 4)]!;
    const eta = -1.4 - 0.03 * (x1 - 50) + (missing ? 0.6 : 0.8 * x2) + GRADE_EFFECT[grade]!;
    const p = sigmoid(eta);
    probabilities.push(p);
    const y = next() < p ? '1' : '0';
    rows.push([
      `C${100000 + i}`,
      String(x1),
      missing ? 'NA' : x2.toFixed(3),
      grade,
      (next() * 50).toFixed(2),
      '7',
      String(x1),
      y,
    ]);
  }
  return { table: tableOfRows(header, rows), rows, header, probabilities };
}

const data = synthetic(7, 10_000);
const labels = readTarget(data.table, 'y').labels;
const split = stratifiedSplit(labels, 0.3, 'demo');
const input: TrainInput = {
  table: data.table,
  target: 'y',
  split: { ...split, seed: 'demo', holdout: 0.3 },
  name: 'demo card',
  description: 'a synthetic scorecard',
  trainedAt: '2024-05-01T12:00:00.000Z',
  fingerprint: 'sha256:abc',
};
const model = trainScorecard(input);
const scorer = compileScorer(model);
const trainTable = subsetTable(data.table, split.train);

const candidate = (name: string) => model.candidates.find((c) => c.name === name)!;
const characteristic = (name: string) => model.characteristics.find((c) => c.name === name)!;
const rowGetter = (table: Table, i: number) => (c: string) => table.cell(c, i);

/** The bin of a cell, through binning.binOf (not the scorer's own lookup). */
function binIndex(c: Characteristic, cell: Cell): number {
  const b = c as unknown as Binning;
  if (c.kind === 'numeric') {
    const v = numberOf(cell);
    return binOf(b, Number.isNaN(v) ? null : v);
  }
  return binOf(b, categoryOf(cell));
}

describe('stratifiedSplit', () => {
  const next = lcg(12);
  const y: number[] = Array.from({ length: 1003 }, () => (next() < 0.17 ? 1 : 0));
  const events = y.reduce((s, v) => s + v, 0);

  it('keeps the event share in both parts, to a row', () => {
    const { train, test } = stratifiedSplit(y, 0.25, 1);
    const testEvents = Array.from(test).filter((i) => y[i] === 1).length;
    const trainEvents = Array.from(train).filter((i) => y[i] === 1).length;
    expect(Math.abs(testEvents - 0.25 * events)).toBeLessThanOrEqual(1);
    expect(Math.abs(trainEvents - 0.75 * events)).toBeLessThanOrEqual(1);
    expect(Math.abs(test.length - 0.25 * y.length)).toBeLessThanOrEqual(1);
  });

  it('splits every row into exactly one part, in increasing order', () => {
    const { train, test } = stratifiedSplit(y, 0.3, 'x');
    const all = [...train, ...test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: y.length }, (_, i) => i));
    expect(new Set([...train, ...test]).size).toBe(y.length);
    for (const part of [train, test])
      for (let k = 1; k < part.length; k++) expect(part[k]!).toBeGreaterThan(part[k - 1]!);
  });

  it('is deterministic by seed, and different seeds split differently', () => {
    const a = stratifiedSplit(y, 0.3, 'seed-1');
    const b = stratifiedSplit(y, 0.3, 'seed-1');
    const c = stratifiedSplit(y, 0.3, 'seed-2');
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
    expect(c.test.length).toBe(a.test.length);
    // a number and its text are the same seed
    expect(Array.from(stratifiedSplit(y, 0.3, 42).test)).toEqual(
      Array.from(stratifiedSplit(y, 0.3, '42').test),
    );
  });

  it('rejects a holdout share outside (0, 1)', () => {
    for (const h of [0, 1, -0.1, 1.5, NaN])
      expect(() => stratifiedSplit(y, h, 1)).toThrow('the holdout share is between 0 and 1');
  });
});

describe('trainScorecard: choosing the characteristics', () => {
  it('selects the informative characteristics', () => {
    expect(model.characteristics.map((c) => c.name).sort()).toEqual(['grade', 'x1', 'x2']);
    for (const name of ['x1', 'x2', 'grade']) {
      expect(candidate(name).selected).toBe(true);
      expect(candidate(name).reason).toBe('selected');
    }
    expect(characteristic('grade').kind).toBe('categorical');
    expect(characteristic('x1').kind).toBe('numeric');
    // x1 lowers the risk, x2 raises it
    expect(characteristic('x1').trend).toBe('descending');
    expect(characteristic('x2').trend).toBe('ascending');
  });

  it('drops the pure-noise column as weak', () => {
    const c = candidate('noise');
    expect(c.selected).toBe(false);
    expect(c.kind).toBe('numeric');
    expect(c.iv!).toBeLessThan(0.02);
    expect(c.reason).toMatch(/^weak: IV 0\.0\d{3} < 0\.02$/);
  });

  it('finds the constant and the identifier-like columns unusable', () => {
    expect(candidate('constant')).toMatchObject({
      kind: 'unusable',
      iv: null,
      selected: false,
      reason: 'unusable: constant',
    });
    expect(candidate('id_text')).toMatchObject({ kind: 'unusable', iv: null, selected: false });
    expect(candidate('id_text').reason).toBe(
      'unusable: 7000 distinct texts in 7000 rows, an identifier or free text',
    );
  });

  it('drops a copy of an informative column as redundant', () => {
    const c = candidate('x1_copy');
    expect(c.selected).toBe(false);
    expect(c.iv).toBe(candidate('x1').iv);
    expect(c.reason).toBe('redundant: WoE correlates 1.00 with x1, which has the higher IV');
  });

  it('never takes the target as a candidate, and lists the candidates selected first', () => {
    expect(model.candidates.map((c) => c.name).sort()).toEqual(
      ['constant', 'grade', 'id_text', 'noise', 'x1', 'x1_copy', 'x2'].sort(),
    );
    const selected = model.candidates.map((c) => c.selected);
    expect(selected).toEqual([true, true, true, false, false, false, false]);
    // then by IV, the unusable last
    const ivs = model.candidates.slice(3).map((c) => c.iv ?? -1);
    for (let k = 1; k < ivs.length; k++) expect(ivs[k]!).toBeLessThanOrEqual(ivs[k - 1]!);
  });

  it('gives every selected characteristic a negative coefficient on its WoE', () => {
    for (const c of model.characteristics) {
      expect(c.coefficient).toBeLessThan(0);
      expect(c.standardError).toBeGreaterThan(0);
      expect(Math.abs(c.coefficient / c.standardError)).toBeGreaterThan(2);
    }
    expect(model.metrics.fit.converged).toBe(true);
  });

  it('is deterministic: the same input gives the same model', () => {
    const d = synthetic(21, 2000);
    const y = readTarget(d.table, 'y').labels;
    const s = { ...stratifiedSplit(y, 0.3, 7), seed: '7', holdout: 0.3 };
    const same = { ...input, table: d.table, split: s };
    const first = trainScorecard(same);
    const second = trainScorecard({ ...same, split: { ...s } });
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.characteristics.length).toBeGreaterThan(0);
  });

  it('ranks the test rows about as well as the true probabilities do', () => {
    const testLabels = Array.from(split.test, (i) => labels[i]!);
    const truth = auc(
      Array.from(split.test, (i) => data.probabilities[i]!),
      testLabels,
    );
    expect(model.metrics.test).not.toBeNull();
    expect(model.metrics.test!.auc).toBeGreaterThan(truth - 0.02);
    expect(model.metrics.test!.auc).toBeLessThan(truth + 0.01);
    expect(model.metrics.test!.n).toBe(split.test.length);
    expect(model.metrics.test!.gini).toBeCloseTo(2 * model.metrics.test!.auc - 1, 12);
  });

  it('records the data, the split and the measures', () => {
    expect(model.format).toBe('recoup-scorecard');
    expect(model.formatVersion).toBe(1);
    expect(model.name).toBe('demo card');
    expect(model.description).toBe('a synthetic scorecard');
    expect(model.trainedAt).toBe('2024-05-01T12:00:00.000Z');
    expect(model.target).toEqual({ column: 'y', event: '1', nonEvent: '0' });
    expect(model.data).toMatchObject({
      fingerprint: 'sha256:abc',
      rows: 10_000,
      events: labels.reduce((s, v) => s + v, 0),
      columns: data.header,
      split: { seed: 'demo', holdout: 0.3, trainRows: 7000, testRows: 3000 },
    });
    expect(model.metrics.train.n).toBe(7000);
    expect(model.metrics.train.events).toBe(
      Array.from(split.train, (i) => labels[i]!).reduce((s, v) => s + v, 0),
    );
    // the measures of the training rows, recomputed from scoring them
    const tr = scoreRows(scorer, trainTable);
    expect(model.metrics.train.auc).toBeCloseTo(
      auc(
        tr.probabilities,
        Array.from(split.train, (i) => labels[i]!),
      ),
      12,
    );
  });

  it('keeps the training score distribution for stability monitoring', () => {
    const { breaks, counts } = model.scoreDistribution;
    expect(counts.reduce((s, v) => s + v, 0)).toBe(7000);
    expect(counts).toHaveLength(breaks.length + 1);
    // deciles: at most 9 breaks, increasing, every bin holding some scores
    expect(breaks.length).toBeGreaterThan(4);
    expect(breaks.length).toBeLessThanOrEqual(9);
    for (let k = 1; k < breaks.length; k++) expect(breaks[k]!).toBeGreaterThan(breaks[k - 1]!);
    for (const c of counts) expect(c).toBeGreaterThan(0);
    expect(counts).toEqual(histogram(scoreRows(scorer, trainTable).scores, breaks));
  });
});

describe('trainScorecard: points and scores', () => {
  const rowsToCheck = Array.from({ length: 300 }, (_, k) => k * 33);

  it('scores a row as the base points plus its bins’ points', () => {
    for (const i of rowsToCheck) {
      let sum = model.basePoints;
      for (const c of model.characteristics)
        sum += c.bins[binIndex(c, data.table.cell(c.name, i))]!.points;
      expect(scoreRow(scorer, rowGetter(data.table, i)).score).toBe(sum);
    }
  });

  it('gives the probability sigmoid(intercept + Σ coefficient · WoE)', () => {
    for (const i of rowsToCheck) {
      let eta = model.intercept;
      for (const c of model.characteristics)
        eta += c.coefficient * c.bins[binIndex(c, data.table.cell(c.name, i))]!.woe;
      expect(scoreRow(scorer, rowGetter(data.table, i)).probability).toBeCloseTo(sigmoid(eta), 14);
    }
  });

  it('scales so that pdo points double the odds, from the base score at the base odds', () => {
    const { factor, offset, pdo, baseScore, baseOdds } = model.scaling;
    expect({ pdo, baseScore, baseOdds }).toEqual({ pdo: 20, baseScore: 600, baseOdds: 50 });
    expect(factor).toBeCloseTo(20 / Math.LN2, 12);
    expect(offset).toBeCloseTo(600 - (20 / Math.LN2) * Math.log(50), 10);
    // the unrounded score of log-odds of the event η is offset − factor · η
    const unrounded = (eta: number) => offset - factor * eta;
    expect(unrounded(-Math.log(50))).toBeCloseTo(600, 10);
    // log-odds of good larger by ln 2 (odds doubled): 20 points more
    expect(unrounded(-1 - Math.LN2) - unrounded(-1)).toBeCloseTo(20, 10);
    expect(model.basePoints).toBe(Math.round(offset - factor * model.intercept));
    for (const c of model.characteristics)
      for (const b of c.bins) expect(b.points).toBe(Math.round(-factor * c.coefficient * b.woe));
  });

  it('gives scores within rounding of the unrounded formula, so odds doubled score 20 more', () => {
    const { factor, offset } = model.scaling;
    const slack = (model.characteristics.length + 1) / 2;
    const scored = rowsToCheck.map((i) => scoreRow(scorer, rowGetter(data.table, i)));
    for (const r of scored) {
      const eta = Math.log(r.probability / (1 - r.probability));
      expect(Math.abs(r.score - (offset - factor * eta))).toBeLessThanOrEqual(slack);
    }
    // any two rows: the score gap is 20 points per doubling of the odds of good, ± rounding
    const logOddsGood = (p: number) => Math.log((1 - p) / p);
    for (let k = 1; k < scored.length; k++) {
      const a = scored[k - 1]!;
      const b = scored[k]!;
      const doublings = (logOddsGood(b.probability) - logOddsGood(a.probability)) / Math.LN2;
      expect(Math.abs(b.score - a.score - 20 * doublings)).toBeLessThanOrEqual(2 * slack);
    }
  });

  it('scores higher the safer the row', () => {
    const s = scoreRows(scorer, data.table);
    // the score and the probability rank the rows in opposite orders
    const y = Array.from(labels);
    expect(auc(s.scores, y)).toBeCloseTo(1 - auc(s.probabilities, y), 2);
    expect(auc(s.probabilities, y)).toBeGreaterThan(0.75);
  });

  it('gives as reasons the characteristics that lost the most points, sorted, at most n', () => {
    let seen = 0;
    for (const i of rowsToCheck.slice(0, 150)) {
      const get = rowGetter(data.table, i);
      const all = model.characteristics
        .map((c) => {
          const best = Math.max(...c.bins.map((b) => b.points));
          const bin = c.bins[binIndex(c, data.table.cell(c.name, i))]!;
          return {
            characteristic: c.name,
            bin: bin.label,
            points: bin.points,
            lost: best - bin.points,
          };
        })
        .filter((r) => r.lost > 0)
        .sort((a, b) => b.lost - a.lost || (a.characteristic < b.characteristic ? -1 : 1));
      for (const n of [0, 1, 2, 3, 5]) {
        const r = scoreRow(scorer, get, n).reasons;
        expect(r).toEqual(all.slice(0, n));
      }
      // the default is 3
      expect(scoreRow(scorer, get).reasons).toEqual(all.slice(0, 3));
      if (all.length >= 2) seen++;
    }
    expect(seen).toBeGreaterThan(50);
  });

  it('gives no reason for a row in every characteristic’s best bin', () => {
    const best: Record<string, Cell> = { x1: '100', x2: '-3', grade: 'A' };
    const r = scoreRow(scorer, (c) => best[c]);
    expect(r.reasons).toEqual([]);
    // and that row scores the most
    const top =
      model.basePoints +
      model.characteristics.reduce((s, c) => s + Math.max(...c.bins.map((b) => b.points)), 0);
    expect(r.score).toBe(top);
  });
});

describe('trainScorecard: bands', () => {
  const names = model.bands.map((b) => b.name);
  const train = scoreRows(scorer, trainTable);

  it('are the default names, best first, with descending floors and none for the last', () => {
    expect(names).toEqual(['A', 'B', 'C', 'D', 'E']);
    const floors = model.bands.slice(0, -1).map((b) => b.minScore!);
    for (let k = 1; k < floors.length; k++) expect(floors[k]!).toBeLessThan(floors[k - 1]!);
    expect(model.bands[model.bands.length - 1]!.minScore).toBeNull();
  });

  it('put every training score into a band, in about equal shares', () => {
    const counts = new Map(names.map((n) => [n, 0]));
    const bands = Array.from(train.scores, (s) => bandOf(model.bands, s));
    expect(bands).toEqual(train.bands);
    for (const band of bands) counts.set(band, counts.get(band)! + 1);
    for (const n of names) {
      expect(counts.get(n)! / 7000).toBeGreaterThan(0.14);
      expect(counts.get(n)! / 7000).toBeLessThan(0.26);
    }
    expect(model.metrics.calibration.train.map((r) => r.n)).toEqual(
      names.map((n) => counts.get(n)),
    );
  });

  it('have event rates that rise from the best band to the worst', () => {
    for (const cal of [model.metrics.calibration.train, model.metrics.calibration.test!]) {
      const rates = cal.map((r) => r.eventRate);
      for (let k = 1; k < rates.length; k++) expect(rates[k]!).toBeGreaterThan(rates[k - 1]!);
      for (const r of cal) expect(Math.abs(r.meanPredicted - r.eventRate)).toBeLessThan(0.05);
    }
    expect(model.metrics.calibration.test!.reduce((s, r) => s + r.n, 0)).toBe(3000);
  });

  it('bandOf: a score at a floor is in that band, below the last floor in the last band', () => {
    const bands = [
      { name: 'A', minScore: 600 },
      { name: 'B', minScore: 550 },
      { name: 'C', minScore: null },
    ];
    expect(bandOf(bands, 700)).toBe('A');
    expect(bandOf(bands, 600)).toBe('A');
    expect(bandOf(bands, 599)).toBe('B');
    expect(bandOf(bands, 550)).toBe('B');
    expect(bandOf(bands, 10)).toBe('C');
    expect(bandOf([], 10)).toBe('');
  });

  it('uses the band names given', () => {
    const d = synthetic(3, 1500);
    const m = trainScorecard({
      table: d.table,
      target: 'y',
      name: 'three',
      trainedAt: 't',
      fingerprint: 'f',
      exclude: ['x1_copy'],
      options: { bands: ['good', 'fair', 'poor'] },
    });
    expect(m.bands.map((b) => b.name)).toEqual(['good', 'fair', 'poor']);
    expect(m.metrics.test).toBeNull();
    expect(m.data.split).toBeNull();
    expect(m.metrics.calibration.test).toBeNull();
  });
});

describe('scoring rows the training never saw', () => {
  const fallbackPoints = (c: Characteristic) => c.bins[c.fallback]!.points;
  const missingBin = (c: Characteristic) => c.bins.findIndex((b) => b.missing);

  it('scores a missing value with the missing bin when training had one', () => {
    const x2 = characteristic('x2');
    expect(missingBin(x2)).toBeGreaterThanOrEqual(0);
    const base: Record<string, Cell> = { x1: '50', grade: 'B' };
    const withMissing = scoreRow(scorer, (c) => (c === 'x2' ? 'NA' : base[c]), 5);
    const blank = scoreRow(scorer, (c) => (c === 'x2' ? '  ' : base[c]), 5);
    const absent = scoreRow(scorer, (c) => base[c], 5);
    const x1 = characteristic('x1');
    const grade = characteristic('grade');
    const expected =
      model.basePoints +
      x2.bins[missingBin(x2)]!.points +
      x1.bins[binIndex(x1, '50')]!.points +
      grade.bins[binIndex(grade, 'B')]!.points;
    expect(withMissing.score).toBe(expected);
    expect(blank.score).toBe(expected);
    expect(absent.score).toBe(expected);
  });

  it('scores a missing value with the fallback (the riskiest bin) when training had none', () => {
    const x1 = characteristic('x1');
    expect(missingBin(x1)).toBe(-1);
    const lowest = x1.bins.reduce((m, b, k) => (b.woe < x1.bins[m]!.woe ? k : m), 0);
    expect(x1.fallback).toBe(lowest);
    const row: Record<string, Cell> = { x2: '0', grade: 'B' };
    const a = scoreRow(scorer, (c) => row[c]);
    const b = scoreRow(scorer, (c) => ({ ...row, x1: 'n/a' })[c]);
    const c = scoreRow(scorer, (c) => ({ ...row, x1: 'not a number' })[c]);
    const known = scoreRow(scorer, (c) => ({ ...row, x1: '0' })[c]);
    expect(a.score).toBe(b.score);
    expect(c.score).toBe(a.score);
    // the riskiest x1 bin is the one of the smallest values
    expect(a.score).toBe(known.score);
  });

  it('scores a category never seen in training, or a missing one, with the fallback', () => {
    const grade = characteristic('grade');
    expect(grade.bins.some((b) => b.other)).toBe(false);
    const row = (g: Cell) => (c: string) => ({ x1: '50', x2: '0', grade: g })[c];
    const z = scoreRow(scorer, row('Z'));
    const none = scoreRow(scorer, row(null));
    const d = scoreRow(scorer, row('D'));
    expect(z.score).toBe(none.score);
    expect(z.score - d.score).toBe(
      fallbackPoints(grade) - grade.bins[binIndex(grade, 'D')]!.points,
    );
  });

  it('scores an empty row with every characteristic at its missing or fallback bin', () => {
    const r = scoreRow(scorer, () => undefined);
    const expected =
      model.basePoints +
      model.characteristics.reduce((s, c) => {
        const m = missingBin(c);
        return s + c.bins[m >= 0 ? m : c.fallback]!.points;
      }, 0);
    expect(r.score).toBe(expected);
    // and a table without the characteristics' columns
    const t = tableOfRows(['other'], [['1'], ['2']]);
    expect(Array.from(scoreRows(scorer, t).scores)).toEqual([expected, expected]);
  });

  it('reads numbers from text and numbers alike', () => {
    for (const i of [0, 1, 2, 3]) {
      const text = scoreRow(scorer, rowGetter(data.table, i));
      const asNumbers = scoreRow(scorer, (c) => {
        const v = data.table.cell(c, i);
        const n = numberOf(v);
        return c === 'grade' || Number.isNaN(n) ? v : n;
      });
      expect(asNumbers).toEqual(text);
    }
  });

  // Training reads a non-finite number cell as missing (isMissing(Infinity) is true), but the
  // scorer's lookup passes it on as a number, so Infinity lands in the top bin.
  it('scores an infinite number cell like a missing value, as training reads it', () => {
    const row = (x2: Cell) => (c: string) => ({ x1: '50', grade: 'B', x2 })[c];
    expect(scoreRow(scorer, row(Infinity)).score).toBe(scoreRow(scorer, row('NA')).score);
  });
});

describe('the model as a document', () => {
  it('round-trips through JSON and parseModel and scores identically', () => {
    const doc = parseModel(JSON.parse(JSON.stringify(model)));
    expect(doc).toEqual(model);
    const again = compileScorer(doc);
    const some = subsetTable(data.table, split.test);
    const a = scoreRows(scorer, some);
    const b = scoreRows(again, some);
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
    expect(b.bands).toEqual(a.bands);
  });
});

describe('trainScorecard with derived features', () => {
  // the payment share paid / bill carries the risk; paid and bill alone carry less
  const next = lcg(31);
  const rows: Cell[][] = [];
  for (let i = 0; i < 2000; i++) {
    const bill = 100 + Math.floor(next() * 900);
    const share = next();
    const paid = Math.round(bill * share);
    const y = next() < sigmoid(-0.5 - 3 * (share - 0.5)) ? 'bad' : 'good';
    rows.push([String(paid), i % 50 === 0 ? '' : String(bill), y]);
  }
  const table = tableOfRows(['paid', 'bill', 'status'], rows);
  const spec = parseFeatureSpec(
    { features: [{ name: 'paid_share', ratio: ['paid', 'bill'] }] },
    table.columns,
  );
  const m = trainScorecard({
    table,
    target: 'status',
    features: spec,
    name: 'features',
    trainedAt: 't',
    fingerprint: 'f',
  });

  it('trains on the derived characteristic and keeps the spec in the model', () => {
    expect(m.target).toEqual({ column: 'status', event: 'bad', nonEvent: 'good' });
    expect(m.features).toEqual(spec);
    expect(m.candidates.map((c) => c.name)).toContain('paid_share');
    expect(m.characteristics.map((c) => c.name)).toContain('paid_share');
    expect(m.data.columns).toEqual(['paid', 'bill', 'status']);
    // the share is missing where the bill is
    const share = m.characteristics.find((c) => c.name === 'paid_share')!;
    expect(share.bins.find((b) => b.missing)!.count).toBe(40);
  });

  it('derives the features when scoring a raw table, after a JSON round trip too', () => {
    const s = compileScorer(m);
    const raw = scoreRows(s, table);
    // scoring row by row on the derived values gives the same scores
    const derivedShare = (i: number) => {
      const bill = numberOf(table.cell('bill', i));
      return Number.isNaN(bill) ? null : numberOf(table.cell('paid', i)) / bill;
    };
    for (let i = 0; i < 200; i++) {
      const r = scoreRow(s, (c) => (c === 'paid_share' ? derivedShare(i) : table.cell(c, i)));
      expect(r.score).toBe(raw.scores[i]);
    }
    const back = compileScorer(parseModel(JSON.parse(JSON.stringify(m))));
    expect(Array.from(scoreRows(back, table).scores)).toEqual(Array.from(raw.scores));
  });
});

describe('trainScorecard options', () => {
  const small = synthetic(5, 2000);
  const opts = { exclude: ['x1_copy'], name: 'n', trainedAt: 't', fingerprint: 'f' };
  const base = trainScorecard({ table: small.table, target: 'y', ...opts });

  it('leaves out the id and the excluded columns, recording them', () => {
    const m = trainScorecard({
      table: small.table,
      target: 'y',
      id: 'id_text',
      exclude: ['noise', 'x1_copy'],
      name: 'n',
      trainedAt: 't',
      fingerprint: 'f',
    });
    expect(m.candidates.map((c) => c.name).sort()).toEqual(['constant', 'grade', 'x1', 'x2']);
    expect(m.id).toBe('id_text');
    expect(m.excluded).toEqual(['noise', 'x1_copy']);
  });

  it('keeps at most maxCharacteristics, the most informative', () => {
    const m = trainScorecard({
      table: small.table,
      target: 'y',
      ...opts,
      options: { maxCharacteristics: 1 },
    });
    expect(base.characteristics.length).toBeGreaterThan(1);
    expect(m.characteristics).toHaveLength(1);
    const ivs = m.candidates.filter((c) => c.iv !== null).map((c) => c.iv!);
    expect(m.characteristics[0]!.iv).toBe(Math.max(...ivs));
    const left = m.candidates.filter((c) => c.reason.startsWith('left out'));
    expect(left.length).toBe(base.characteristics.length - 1);
    expect(left[0]!.reason).toBe('left out: only the 1 most informative are used');
  });

  it('drops a characteristic that adds nothing once a stronger one is in', () => {
    // echo = x1 plus wide noise: informative alone (IV well above 0.02) and correlated with x1
    // below 0.8, but with nothing of its own: its coefficient is within 2 standard errors of 0
    const next = lcg(77);
    const header = [...small.header, 'echo'];
    const rows = small.rows.map((r) => [...r, String(Number(r[1]) + Math.round(next() * 120))]);
    const m = trainScorecard({
      table: tableOfRows(header, rows),
      target: 'y',
      exclude: ['x1_copy'],
      name: 'n',
      trainedAt: 't',
      fingerprint: 'f',
    });
    const echo = m.candidates.find((c) => c.name === 'echo')!;
    expect(echo.iv!).toBeGreaterThan(0.02);
    expect(echo.selected).toBe(false);
    expect(echo.reason).toMatch(/^not significant: z \d\.\d\d < 2 once the others are in$/);
    expect(m.characteristics.map((c) => c.name)).not.toContain('echo');
    expect(m.characteristics.map((c) => c.name).sort()).toEqual(['grade', 'x1', 'x2']);
  });

  it('drops a characteristic whose coefficient turns positive once a stronger one is in', () => {
    // η = −1 + 2a − b with corr(a, b) = 0.7: alone, b looks risky (E[η | b] = 0.4·b), but given
    // a it lowers the risk, so its coefficient on its own WoE comes out positive: a wrong sign
    const next = lcg(3);
    const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const rows: Cell[][] = [];
    for (let i = 0; i < 2000; i++) {
      const a = normal();
      const b = 0.7 * a + Math.sqrt(0.51) * normal();
      rows.push([a.toFixed(3), b.toFixed(3), next() < sigmoid(-1 + 2 * a - b) ? '1' : '0']);
    }
    const m = trainScorecard({
      table: tableOfRows(['a', 'b', 'y'], rows),
      target: 'y',
      ...opts,
      exclude: [],
    });
    const b = m.candidates.find((c) => c.name === 'b')!;
    expect(b.iv!).toBeGreaterThan(0.02);
    expect(b.selected).toBe(false);
    expect(b.reason).toMatch(
      /^wrong sign: coefficient \d+\.\d{4} on its WoE once the others are in/,
    );
    expect(m.characteristics.map((c) => c.name)).toEqual(['a']);
    expect(m.characteristics[0]!.coefficient).toBeLessThan(0);
  });

  it('scales with the pdo, base score and base odds given', () => {
    const a = base;
    const b = trainScorecard({
      table: small.table,
      target: 'y',
      ...opts,
      options: { scaling: { pdo: 40, baseScore: 500, baseOdds: 1 } },
    });
    expect(b.characteristics.map((c) => c.coefficient)).toEqual(
      a.characteristics.map((c) => c.coefficient),
    );
    expect(b.scaling.factor).toBeCloseTo(2 * a.scaling.factor, 12);
    expect(b.scaling.offset).toBe(500);
    expect(b.basePoints).toBe(Math.round(500 - b.scaling.factor * b.intercept));
    for (let j = 0; j < a.characteristics.length; j++)
      for (let k = 0; k < a.characteristics[j]!.bins.length; k++) {
        const pa = a.characteristics[j]!.bins[k]!.points;
        const pb = b.characteristics[j]!.bins[k]!.points;
        // double the points, to the rounding of each
        expect(Math.abs(pb - 2 * pa)).toBeLessThanOrEqual(1);
      }
  });
});

describe('trainScorecard on bad input', () => {
  const train = (table: Table, extra: Partial<TrainInput> = {}) =>
    trainScorecard({ table, target: 'y', name: 'n', trainedAt: 't', fingerprint: 'f', ...extra });

  it('rejects an empty table', () => {
    const t = tableOfRows(['x', 'y'], []);
    expect(() => train(t)).toThrow(TrainingError);
    expect(() => train(t)).toThrow('the data has no rows');
  });

  it('rejects a table without a usable column', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [`id${i}`, '3', String(i % 2)]);
    const t = tableOfRows(['id', 'constant', 'y'], rows);
    expect(() => train(t)).toThrow(
      'no column can be a characteristic (every one is constant or an identifier)',
    );
  });

  it('rejects a target with one outcome', () => {
    const t = tableOfRows(
      ['x', 'y'],
      Array.from({ length: 20 }, (_, i) => [String(i), '0']),
    );
    expect(() => train(t)).toThrow('the target y has only the value "0": both outcomes are needed');
  });

  it('rejects training rows with one outcome', () => {
    const t = tableOfRows(
      ['x', 'y'],
      Array.from({ length: 20 }, (_, i) => [String(i), String(i % 2)]),
    );
    const split = { train: [0, 2, 4, 6], test: [1, 3], seed: 's', holdout: 0.3 };
    expect(() => train(t, { split })).toThrow('the training rows have only one outcome');
  });

  it('rejects a missing target column, listing the columns', () => {
    const t = tableOfRows(['a', 'b'], [['1', '2']]);
    expect(() => train(t)).toThrow('target column "y" is not in the data (columns: a, b)');
  });

  it('rejects a column to leave out that is not in the data', () => {
    const t = tableOfRows(
      ['x', 'y'],
      Array.from({ length: 20 }, (_, i) => [String(i), String(i % 2)]),
    );
    expect(() => train(t, { exclude: ['zz'] })).toThrow(
      'the column "zz" to leave out is not in the data',
    );
    expect(() => train(t, { id: 'customer' })).toThrow(/"customer" to leave out/);
  });

  it('rejects data where no characteristic is informative enough', () => {
    const next = lcg(4);
    const t = tableOfRows(
      ['x', 'y'],
      Array.from({ length: 400 }, () => [String(Math.floor(next() * 3)), next() < 0.3 ? '1' : '0']),
    );
    expect(() => train(t, { options: { minIv: 0.5 } })).toThrow(
      'no characteristic has an information value of 0.5 or more: nothing to score with',
    );
  });

  it('asks for band names', () => {
    const d = synthetic(3, 500);
    expect(() => train(d.table, { options: { bands: [] } })).toThrow(
      'at least one band name is needed',
    );
  });
});

describe('ScorecardModel typing', () => {
  it('is a plain document (no class instances, no functions)', () => {
    const m: ScorecardModel = JSON.parse(JSON.stringify(model));
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(m.characteristics.length).toBe(model.characteristics.length);
  });
});
