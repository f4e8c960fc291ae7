import { describe, expect, it } from 'vitest';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  ModelError,
  parseModel,
  type ScorecardModel,
} from './model.ts';
import { compileScorer, scoreRow } from './scorecard.ts';

/** A small, valid model document (as JSON would give it). */
function sampleDoc(): Record<string, unknown> {
  const factor = 20 / Math.LN2;
  const model: ScorecardModel = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name: 'sample',
    trainedAt: '2024-05-01T00:00:00.000Z',
    target: { column: 'default', event: '1', nonEvent: '0' },
    excluded: [],
    data: { fingerprint: 'f', rows: 100, events: 20, columns: ['age', 'region'], split: null },
    options: {},
    features: null,
    scaling: { baseScore: 600, baseOdds: 50, pdo: 20, factor, offset: 600 - factor * Math.log(50) },
    intercept: -1.4,
    basePoints: 529,
    characteristics: [
      {
        name: 'age',
        kind: 'numeric',
        trend: 'descending',
        iv: 0.3,
        coefficient: -1,
        standardError: 0.2,
        bins: [
          {
            label: '< 30',
            lower: null,
            upper: 30,
            count: 40,
            events: 14,
            eventRate: 0.35,
            woe: -0.77,
            iv: 0.2,
            points: -22,
          },
          {
            label: '≥ 30',
            lower: 30,
            upper: null,
            count: 60,
            events: 6,
            eventRate: 0.1,
            woe: 0.81,
            iv: 0.1,
            points: 23,
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
            label: '{north}',
            categories: ['north'],
            count: 50,
            events: 5,
            eventRate: 0.1,
            woe: 0.81,
            iv: 0.05,
            points: 19,
          },
          {
            label: 'other',
            categories: ['south'],
            other: true,
            count: 45,
            events: 12,
            eventRate: 0.27,
            woe: -0.37,
            iv: 0.03,
            points: -9,
          },
          {
            label: 'missing',
            missing: true,
            count: 5,
            events: 3,
            eventRate: 0.6,
            woe: -1.79,
            iv: 0.02,
            points: -41,
          },
        ],
        fallback: 2,
      },
    ],
    candidates: [],
    bands: [
      { name: 'A', minScore: 540 },
      { name: 'B', minScore: null },
    ],
    metrics: {
      train: { n: 100, events: 20, auc: 0.7, ks: 0.3, gini: 0.4, brier: 0.15 },
      test: null,
      calibration: { train: [], test: null },
      fit: { iterations: 5, converged: true, l2: 1 },
    },
    scoreDistribution: { breaks: [], counts: [100] },
  };
  return JSON.parse(JSON.stringify(model));
}

type Doc = Record<string, unknown> & {
  characteristics: Record<string, unknown>[] & { bins?: unknown }[];
  scaling: Record<string, unknown>;
  target: Record<string, unknown>;
};

/** The message parseModel gives for the sample document changed by `edit`. */
function rejection(edit: (doc: Doc) => void): string {
  const doc = sampleDoc() as Doc;
  edit(doc);
  try {
    parseModel(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError);
    expect((e as Error).name).toBe('ModelError');
    return (e as Error).message;
  }
  throw new Error('expected the document to be rejected');
}

/** Deletes a field, whatever its type says. */
const drop = (o: object, k: string) => delete (o as Record<string, unknown>)[k];

const bins = (doc: Doc, c: number) => doc.characteristics[c]!.bins as Record<string, unknown>[];

describe('parseModel', () => {
  it('accepts a valid document and gives it back', () => {
    const doc = sampleDoc();
    expect(parseModel(doc)).toBe(doc);
    // and it can score with it
    const scorer = compileScorer(parseModel(doc));
    const r = scoreRow(scorer, (c) => ({ age: '45', region: 'north' })[c]);
    expect(r.score).toBe(529 + 23 + 19);
    expect(r.band).toBe('A');
  });

  it('accepts a document with a valid feature spec', () => {
    const doc = sampleDoc();
    doc.features = { source: [{ name: 'total', sum: ['a', 'b'] }], features: [] };
    expect(() => parseModel(doc)).not.toThrow();
  });

  it('rejects what is not an object', () => {
    for (const doc of [null, undefined, 'model', 42, [], [sampleDoc()]])
      expect(() => parseModel(doc)).toThrow('a model is a JSON object');
  });

  it('rejects a wrong or missing format', () => {
    expect(rejection((d) => (d.format = 'other'))).toBe(
      'format: expected "recoup-scorecard", got "other"',
    );
    expect(rejection((d) => drop(d, 'format'))).toMatch(/^format: expected "recoup-scorecard"/);
  });

  it('rejects another format version', () => {
    expect(rejection((d) => (d.formatVersion = 2))).toBe(
      'formatVersion: this Recoup reads version 1, not 2',
    );
    expect(rejection((d) => (d.formatVersion = '1'))).toBe(
      'formatVersion: this Recoup reads version 1, not "1"',
    );
    expect(rejection((d) => drop(d, 'formatVersion'))).toMatch(/^formatVersion: /);
  });

  it('names a missing or bad top-level field', () => {
    expect(rejection((d) => drop(d, 'name'))).toBe('name: not a non-empty string');
    expect(rejection((d) => (d.name = '   '))).toBe('name: not a non-empty string');
    expect(rejection((d) => drop(d, 'intercept'))).toBe('intercept: not a number');
    expect(rejection((d) => (d.intercept = '1.5'))).toBe('intercept: not a number');
    expect(rejection((d) => (d.intercept = null))).toBe('intercept: not a number');
    expect(rejection((d) => drop(d, 'basePoints'))).toBe('basePoints: not a number');
    expect(rejection((d) => drop(d, 'scaling'))).toBe('scaling: missing');
    expect(rejection((d) => drop(d, 'characteristics'))).toBe('characteristics: not a list');
    expect(rejection((d) => (d.characteristics = {} as never))).toBe('characteristics: not a list');
    expect(rejection((d) => drop(d, 'bands'))).toBe('bands: empty');
    expect(rejection((d) => (d.bands = []))).toBe('bands: empty');
    expect(rejection((d) => drop(d, 'target'))).toBe('target.column: missing');
    expect(rejection((d) => drop(d.target, 'column'))).toBe('target.column: missing');
  });

  it.each(['baseScore', 'baseOdds', 'pdo', 'factor', 'offset'])(
    'names a missing scaling.%s',
    (k) => {
      expect(rejection((d) => drop(d.scaling, k))).toBe(`scaling.${k}: not a number`);
    },
  );

  it('names the characteristic and its field', () => {
    expect(rejection((d) => (d.characteristics[1] = 'region' as never))).toBe(
      'characteristics[1]: not an object',
    );
    expect(rejection((d) => drop(d.characteristics[1]!, 'name'))).toBe(
      'characteristics[1].name: not a string',
    );
    expect(rejection((d) => (d.characteristics[0]!.kind = 'ordinal'))).toBe(
      'characteristics[0].kind: numeric or categorical',
    );
    expect(rejection((d) => drop(d.characteristics[0]!, 'coefficient'))).toBe(
      'characteristics[0].coefficient: not a number',
    );
    expect(rejection((d) => (d.characteristics[1]!.bins = []))).toBe(
      'characteristics[1].bins: empty',
    );
    expect(rejection((d) => drop(d.characteristics[1]!, 'bins'))).toBe(
      'characteristics[1].bins: empty',
    );
  });

  it('rejects a fallback that is not a bin', () => {
    expect(rejection((d) => drop(d.characteristics[0]!, 'fallback'))).toBe(
      'characteristics[0].fallback: not a number',
    );
    expect(rejection((d) => (d.characteristics[0]!.fallback = -1))).toBe(
      'characteristics[0].fallback: no such bin',
    );
    // two bins: 0 and 1
    expect(rejection((d) => (d.characteristics[0]!.fallback = 2))).toBe(
      'characteristics[0].fallback: no such bin',
    );
    expect(rejection((d) => (d.characteristics[1]!.fallback = 3))).toBe(
      'characteristics[1].fallback: no such bin',
    );
  });

  // The fallback is only checked to be a number within [0, bins): 0.5 passes, and scoring a
  // value that needs the fallback then reads bins[0.5], which is undefined (a TypeError).
  it('rejects a fallback that is not a whole number', () => {
    expect(rejection((d) => (d.characteristics[0]!.fallback = 0.5))).toBe(
      'characteristics[0].fallback: no such bin',
    );
  });

  it('names the bin and its field', () => {
    expect(rejection((d) => (bins(d, 1)[2] = null as never))).toBe(
      'characteristics[1].bins[2]: not an object',
    );
    expect(rejection((d) => drop(bins(d, 0)[1]!, 'woe'))).toBe(
      'characteristics[0].bins[1].woe: not a number',
    );
    expect(rejection((d) => (bins(d, 1)[0]!.points = '19'))).toBe(
      'characteristics[1].bins[0].points: not a number',
    );
    expect(rejection((d) => drop(bins(d, 1)[1]!, 'categories'))).toBe(
      'characteristics[1].bins[1].categories: not a list',
    );
  });

  it('does not ask for categories in a missing bin or a numeric one', () => {
    const doc = sampleDoc() as Doc;
    expect(bins(doc, 1)[2]!.categories).toBeUndefined();
    expect(bins(doc, 0)[0]!.categories).toBeUndefined();
    expect(() => parseModel(doc)).not.toThrow();
  });

  it('checks the feature spec like a spec file, naming the entry', () => {
    expect(rejection((d) => (d.features = 'ratio'))).toBe('features: not an object');
    expect(rejection((d) => (d.features = [] as never))).toBe('features: not an object');
    expect(
      rejection((d) => (d.features = { source: [{ name: 'x', sum: ['a'], max: ['a'] }] })),
    ).toMatch(/^features: features\[0\]: needs exactly one operation/);
    expect(rejection((d) => (d.features = { source: 'nope' }))).toBe(
      'features: features: a feature spec is a list under "features"',
    );
  });
});
