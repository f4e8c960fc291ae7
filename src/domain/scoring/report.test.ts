import { describe, expect, it } from 'vitest';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ScorecardModel } from './model.ts';
import { formatScorecard } from './report.ts';
import { trainScorecard } from './scorecard.ts';
import { tableOfRows, type Cell } from './table.ts';

/** A small seeded linear congruential generator (Numerical Recipes constants), in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function sampleModel(): ScorecardModel {
  const factor = 20 / Math.LN2;
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name: 'Retail card',
    description: 'unsecured lending, first payment default',
    trainedAt: '2024-05-01T12:00:00.000Z',
    target: { column: 'default', event: 'yes', nonEvent: 'no' },
    excluded: [],
    data: {
      fingerprint: 'sha256:feed',
      rows: 1000,
      events: 200,
      columns: ['age', 'region', 'noise', 'customer_id', 'default'],
      split: { seed: 's1', holdout: 0.3, trainRows: 700, testRows: 300 },
    },
    options: {},
    features: null,
    scaling: { baseScore: 600, baseOdds: 50, pdo: 20, factor, offset: 600 - factor * Math.log(50) },
    intercept: -1.4,
    basePoints: 480,
    characteristics: [
      {
        name: 'age',
        kind: 'numeric',
        trend: 'descending',
        iv: 0.34561,
        coefficient: -0.98765,
        standardError: 0.12345,
        bins: [
          {
            label: '< 30',
            lower: null,
            upper: 30,
            count: 200,
            events: 80,
            eventRate: 0.4,
            woe: -0.98083,
            iv: 0.2,
            points: -15,
          },
          {
            label: '[30, 50)',
            lower: 30,
            upper: 50,
            count: 300,
            events: 40,
            eventRate: 40 / 300,
            woe: 0.48551,
            iv: 0.06,
            points: 14,
          },
          {
            label: '≥ 50',
            lower: 50,
            upper: null,
            count: 150,
            events: 10,
            eventRate: 10 / 150,
            woe: 1.25,
            iv: 0.08,
            points: 36,
          },
          {
            label: 'missing',
            missing: true,
            count: 50,
            events: 10,
            eventRate: 0.2,
            woe: 0,
            iv: 0,
            points: 0,
          },
        ],
        fallback: 0,
      },
      {
        name: 'region',
        kind: 'categorical',
        trend: 'ascending',
        iv: 0.1,
        coefficient: -0.8,
        standardError: 0.3,
        bins: [
          {
            label: '{north, west}',
            categories: ['north', 'west'],
            count: 400,
            events: 40,
            eventRate: 0.1,
            woe: 0.81093,
            iv: 0.05,
            points: 19,
          },
          {
            label: 'other',
            categories: ['south'],
            other: true,
            count: 300,
            events: 100,
            eventRate: 1 / 3,
            woe: -0.69315,
            iv: 0.05,
            points: -16,
          },
        ],
        fallback: 1,
      },
    ],
    candidates: [
      { name: 'age', kind: 'numeric', iv: 0.34561, selected: true, reason: 'selected' },
      { name: 'region', kind: 'categorical', iv: 0.1, selected: true, reason: 'selected' },
      {
        name: 'noise',
        kind: 'numeric',
        iv: 0.0084,
        selected: false,
        reason: 'weak: IV 0.0084 < 0.02',
      },
      {
        name: 'customer_id',
        kind: 'unusable',
        iv: null,
        selected: false,
        reason: 'unusable: 700 distinct texts in 700 rows, an identifier or free text',
      },
    ],
    bands: [
      { name: 'A', minScore: 560 },
      { name: 'B', minScore: 520 },
      { name: 'C', minScore: null },
    ],
    metrics: {
      train: { n: 700, events: 140, auc: 0.81234, ks: 0.45671, gini: 0.62468, brier: 0.12341 },
      test: { n: 300, events: 60, auc: 0.79876, ks: 0.43219, gini: 0.59752, brier: 0.13579 },
      calibration: {
        train: [
          { band: 'A', n: 230, events: 10, eventRate: 10 / 230, meanPredicted: 0.05 },
          { band: 'B', n: 240, events: 40, eventRate: 40 / 240, meanPredicted: 0.16 },
          { band: 'C', n: 230, events: 90, eventRate: 90 / 230, meanPredicted: 0.38 },
        ],
        test: [
          { band: 'A', n: 100, events: 4, eventRate: 0.04, meanPredicted: 0.051 },
          { band: 'B', n: 100, events: 16, eventRate: 0.16, meanPredicted: 0.162 },
          { band: 'C', n: 100, events: 40, eventRate: 0.4, meanPredicted: 0.383 },
        ],
      },
      fit: { iterations: 6, converged: true, l2: 1 },
    },
    scoreDistribution: { breaks: [], counts: [700] },
  };
}

const linesOf = (text: string) => text.split('\n');
/** The cells of a fixed-width table line (columns are two or more spaces apart). */
const cells = (line: string) => line.trim().split(/ {2,}/);
const lineStarting = (text: string, start: string) => {
  const found = linesOf(text).filter((l) => l.startsWith(start));
  expect(found, start).toHaveLength(1);
  return found[0]!;
};

describe('formatScorecard', () => {
  const model = sampleModel();
  const text = formatScorecard(model);

  it('opens with the name, the description, the target, the data and the scaling', () => {
    const lines = linesOf(text);
    expect(lines[0]).toBe('Retail card (trained 2024-05-01T12:00:00.000Z)');
    expect(lines[1]).toBe('unsecured lending, first payment default');
    expect(lines[2]).toBe('target default (event = yes); 1000 rows, 200 events; data sha256:feed');
    expect(lines[3]).toBe('trained on 700 rows, tested on 300 (stratified holdout 0.3, seed s1)');
    expect(lines[4]).toBe(
      'scaling: 600 points at odds 50:1, 20 points to double the odds; base points 480',
    );
  });

  it('gives the measures on the training and the test rows', () => {
    expect(text).toContain('train: n 700, AUC 0.8123, KS 0.4567, Gini 0.6247, Brier 0.1234\n');
    expect(text).toContain('test: n 300, AUC 0.7988, KS 0.4322, Gini 0.5975, Brier 0.1358\n');
  });

  it('heads each characteristic with its kind, trend, IV and coefficient', () => {
    expect(text).toContain(
      '\nage (numeric, descending; IV 0.3456; coefficient -0.9877 ± 0.1235)\n',
    );
    // no trend for a categorical characteristic
    expect(text).toContain('\nregion (categorical; IV 0.1000; coefficient -0.8000 ± 0.3000)\n');
  });

  it('lists every bin with count, share, events, event rate, WoE, IV and points', () => {
    // one table per characteristic
    const headers = linesOf(text).filter((l) => l.startsWith('  bin '));
    expect(headers).toHaveLength(2);
    for (const h of headers)
      expect(cells(h)).toEqual([
        'bin',
        'count',
        'share',
        'events',
        'event rate',
        'WoE',
        'IV',
        'points',
      ]);
    // the share is of the training rows: 200 / 700 = 28.6 %
    expect(cells(lineStarting(text, '  < 30 '))).toEqual([
      '< 30',
      '200',
      '28.6 %',
      '80',
      '40.0 %',
      '-0.9808',
      '0.2000',
      '-15',
    ]);
    expect(cells(lineStarting(text, '  [30, 50) '))).toEqual([
      '[30, 50)',
      '300',
      '42.9 %',
      '40',
      '13.3 %',
      '0.4855',
      '0.0600',
      '14',
    ]);
    expect(cells(lineStarting(text, '  ≥ 50 ')).at(-1)).toBe('36');
    expect(cells(lineStarting(text, '  missing ')).at(-1)).toBe('0');
    expect(cells(lineStarting(text, '  {north, west} '))).toEqual([
      '{north, west}',
      '400',
      '57.1 %',
      '40',
      '10.0 %',
      '0.8109',
      '0.0500',
      '19',
    ]);
    expect(cells(lineStarting(text, '  other ')).at(-1)).toBe('-16');
  });

  it('aligns the columns of each table (numbers to the right)', () => {
    const lines = linesOf(text);
    const start = lines.indexOf(
      'age (numeric, descending; IV 0.3456; coefficient -0.9877 ± 0.1235)',
    );
    const table = lines.slice(start + 1, start + 6);
    expect(table[0]!.startsWith('  bin')).toBe(true);
    for (const l of table) expect(l.length).toBe(table[0]!.length);
    expect(lines[start + 6]).toBe('');
  });

  it('lists the candidates left out with their reasons', () => {
    expect(text).toContain('\nnot in the scorecard:\n');
    expect(cells(lineStarting(text, '  noise '))).toEqual([
      'noise',
      '0.0084',
      'weak: IV 0.0084 < 0.02',
    ]);
    expect(cells(lineStarting(text, '  customer_id '))).toEqual([
      'customer_id',
      '-',
      'unusable: 700 distinct texts in 700 rows, an identifier or free text',
    ]);
    // the selected ones are not in that list
    const left = text.slice(text.indexOf('not in the scorecard:'), text.indexOf('bands:'));
    expect(left).not.toContain('age');
    expect(left).not.toContain('region');
  });

  it('lists the bands with their score ranges and the test rows’ event rates', () => {
    expect(cells(lineStarting(text, '  band '))).toEqual([
      'band',
      'scores',
      'rows',
      'event rate',
      'predicted',
    ]);
    expect(cells(lineStarting(text, '  A '))).toEqual(['A', '≥ 560', '100', '4.0 %', '5.1 %']);
    expect(cells(lineStarting(text, '  B '))).toEqual([
      'B',
      '520 – 559',
      '100',
      '16.0 %',
      '16.2 %',
    ]);
    expect(cells(lineStarting(text, '  C '))).toEqual(['C', '< 520', '100', '40.0 %', '38.3 %']);
    expect(text.endsWith('  (event rates on the test rows)\n')).toBe(true);
  });

  it('without a test set: the training rows, no split line, no test measures', () => {
    const m = sampleModel();
    m.data.split = null;
    m.metrics.test = null;
    m.metrics.calibration.test = null;
    delete m.description;
    const t = formatScorecard(m);
    expect(t).not.toContain('tested on');
    expect(t).not.toContain('\ntest:');
    expect(linesOf(t)[1]).toMatch(/^target default/);
    expect(cells(lineStarting(t, '  A '))).toEqual(['A', '≥ 560', '230', '4.3 %', '5.0 %']);
    expect(t.endsWith('  (event rates on the training rows)\n')).toBe(true);
  });

  it('has no left-out section when every candidate is in, and "-" for what is not a number', () => {
    const m = sampleModel();
    m.candidates = m.candidates.filter((c) => c.selected);
    m.metrics.train.ks = NaN;
    m.bands = [{ name: 'all', minScore: null }];
    const t = formatScorecard(m);
    expect(t).not.toContain('not in the scorecard');
    expect(t).toContain('KS -,');
    expect(cells(lineStarting(t, '  all '))).toEqual(['all', 'all', '0', '-', '-']);
  });

  // When training scores tie (few distinct scores), two bands can have the same floor; the
  // second is empty, and the report says so instead of printing "551 – 550".
  it('never prints an inverted score range for a band', () => {
    const m = sampleModel();
    m.bands = [
      { name: 'A', minScore: 551 },
      { name: 'B', minScore: 551 },
      { name: 'C', minScore: null },
    ];
    const line = lineStarting(formatScorecard(m), '  B ');
    expect(line).toContain('none (tied scores)');
    expect(line).not.toMatch(/551 – 550/);
  });

  it('reports a trained scorecard: every characteristic, bin, points and reason', () => {
    const next = lcg(9);
    const rows: Cell[][] = [];
    for (let i = 0; i < 1500; i++) {
      const x = Math.floor(next() * 100);
      const g = 'ABC'[Math.floor(next() * 3)]!;
      const risk = 0.05 + 0.4 * (x / 100) + (g === 'C' ? 0.2 : 0);
      rows.push([String(x), g, '1', next() < risk ? '1' : '0']);
    }
    const m = trainScorecard({
      table: tableOfRows(['x', 'g', 'one', 'y'], rows),
      target: 'y',
      name: 'trained',
      trainedAt: 't',
      fingerprint: 'f',
    });
    const t = formatScorecard(m);
    expect(m.characteristics.length).toBeGreaterThan(0);
    for (const c of m.characteristics) {
      expect(t).toContain(`\n${c.name} (${c.kind}`);
      for (const b of c.bins) {
        const line = lineStarting(t, `  ${b.label}  `);
        expect(cells(line).at(-1)).toBe(String(b.points));
        expect(cells(line)[1]).toBe(String(b.count));
      }
    }
    for (const c of m.candidates.filter((x) => !x.selected)) expect(t).toContain(c.reason);
    expect(t).toContain('unusable: constant');
    expect(t).toContain(`AUC ${m.metrics.train.auc.toFixed(4)}`);
  });
});
