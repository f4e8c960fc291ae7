import { describe, expect, it } from 'vitest';
import {
  combineCells,
  deriveFeatures,
  evaluateFeature,
  expandBraces,
  FeatureSpecError,
  parseFeatureSpec,
  type DerivedFeature,
} from './features.ts';
import { readColumn, tableOfRows, type Cell } from './table.ts';

type Numeric = Exclude<DerivedFeature, { op: 'combine' }>;

/** Evaluates a feature on one row given as a record (absent columns are missing). */
const evalOn = (f: Numeric, row: Record<string, number>) =>
  evaluateFeature(f, (c) => (c in row ? row[c]! : NaN));

/** The single feature a one-entry spec makes. */
const one = (entry: Record<string, unknown>, columns?: string[]) =>
  parseFeatureSpec([entry], columns).features;

/** The error a spec throws. */
function errorOf(doc: unknown, columns?: string[]): FeatureSpecError {
  try {
    parseFeatureSpec(doc, columns);
  } catch (e) {
    expect(e).toBeInstanceOf(FeatureSpecError);
    return e as FeatureSpecError;
  }
  throw new Error('expected the spec to be rejected');
}

describe('expandBraces', () => {
  it('expands lists and ranges', () => {
    expect(expandBraces('PAY_{0,2..4}')).toEqual(['PAY_0', 'PAY_2', 'PAY_3', 'PAY_4']);
    expect(expandBraces('BILL_AMT{1..3}')).toEqual(['BILL_AMT1', 'BILL_AMT2', 'BILL_AMT3']);
    expect(expandBraces('{a,b,c}_x')).toEqual(['a_x', 'b_x', 'c_x']);
    expect(expandBraces('x_{a, b}')).toEqual(['x_a', 'x_b']);
  });

  it('leaves a name without braces alone', () => {
    expect(expandBraces('income')).toEqual(['income']);
    expect(expandBraces('')).toEqual(['']);
  });

  it('expands descending and negative ranges', () => {
    expect(expandBraces('m{3..1}')).toEqual(['m3', 'm2', 'm1']);
    expect(expandBraces('d{-1..1}')).toEqual(['d-1', 'd0', 'd1']);
    expect(expandBraces('s{2..2}')).toEqual(['s2']);
  });

  it('expands several groups left to right, the first varying slowest', () => {
    expect(expandBraces('A{1,2}B{x,y}')).toEqual(['A1Bx', 'A1By', 'A2Bx', 'A2By']);
    expect(expandBraces('{1..2}{1..2}')).toEqual(['11', '12', '21', '22']);
  });

  it('refuses a range that is too long', () => {
    expect(() => expandBraces('x{1..20000}')).toThrow(/too long/);
  });

  // The regular expression finds the innermost group first, so an outer group is split at
  // the commas of the inner one's expansion: 'a{b,c{1,2}}' gives ab, ac1, ab, ac2.
  it('expands nested groups as the shell does', () => {
    expect(expandBraces('a{b,c{1,2}}')).toEqual(['ab', 'ac1', 'ac2']);
  });
});

describe('evaluateFeature', () => {
  const ratio = one({ name: 'r', ratio: ['a', 'b'] })[0] as Numeric;
  const ratioZero = one({ name: 'r', ratio: ['a', 'b'], ifZero: 0 })[0] as Numeric;

  it('ratio: a / b, missing when b is 0 unless ifZero is set', () => {
    expect(evalOn(ratio, { a: 6, b: 3 })).toBe(2);
    expect(evalOn(ratio, { a: -1, b: 4 })).toBe(-0.25);
    expect(evalOn(ratio, { a: 6, b: 0 })).toBeNaN();
    expect(evalOn(ratioZero, { a: 6, b: 0 })).toBe(0);
    expect(evalOn(ratioZero, { a: 6, b: 2 })).toBe(3);
  });

  it('ratio: missing when either side is, even with ifZero', () => {
    expect(evalOn(ratio, { a: 6 })).toBeNaN();
    expect(evalOn(ratio, { b: 6 })).toBeNaN();
    expect(evalOn(ratioZero, { b: 0 })).toBeNaN();
    expect(evalOn(ratioZero, { a: 1 })).toBeNaN();
  });

  it('difference and product, missing when an operand is', () => {
    const d = one({ name: 'd', difference: ['a', 'b'] })[0] as Numeric;
    const p = one({ name: 'p', product: ['a', 'b'] })[0] as Numeric;
    expect(evalOn(d, { a: 5, b: 3 })).toBe(2);
    expect(evalOn(d, { a: 3, b: 5 })).toBe(-2);
    expect(evalOn(p, { a: 5, b: -3 })).toBe(-15);
    expect(evalOn(d, { a: 5 })).toBeNaN();
    expect(evalOn(p, { b: 5 })).toBeNaN();
  });

  it('sum, mean, max, min over the present columns, missing when none is', () => {
    const cols = ['x1', 'x2', 'x3'];
    const row = { x1: 1, x3: 3 };
    const of = (op: string) => one({ name: 'f', [op]: cols })[0] as Numeric;
    expect(evalOn(of('sum'), row)).toBe(4);
    expect(evalOn(of('mean'), row)).toBe(2);
    expect(evalOn(of('max'), row)).toBe(3);
    expect(evalOn(of('min'), row)).toBe(1);
    expect(evalOn(of('max'), { x1: -5, x2: -2, x3: -9 })).toBe(-2);
    expect(evalOn(of('min'), { x1: -5, x2: -2, x3: -9 })).toBe(-9);
    expect(evalOn(of('mean'), { x1: 1, x2: 2, x3: 6 })).toBe(3);
    for (const op of ['sum', 'mean', 'max', 'min']) expect(evalOn(of(op), {})).toBeNaN();
  });

  it('count: how many present columns satisfy the comparison', () => {
    const cols = ['s1', 's2', 's3', 's4', 's5'];
    const row = { s1: 2, s2: 0, s3: -1, s5: 1 }; // s4 missing
    const count = (where: string) =>
      evalOn(one({ name: 'n', count: cols, where })[0] as Numeric, row);
    expect(count('> 0')).toBe(2);
    expect(count('>= 0')).toBe(3);
    expect(count('< 0')).toBe(1);
    expect(count('<= 0')).toBe(2);
    expect(count('== 0')).toBe(1);
    expect(count('= 0')).toBe(1);
    expect(count('!= 0')).toBe(3);
    expect(count('>1.5')).toBe(1);
    expect(count('> -2')).toBe(4);
    // none present: zero, not missing
    expect(evalOn(one({ name: 'n', count: cols, where: '> 0' })[0] as Numeric, {})).toBe(0);
  });

  it('first: the position (from 1) of the first column that satisfies it, missing if none', () => {
    const f = one({ name: 'f', first: ['m1', 'm2', 'm3', 'm4'], where: '> 0' })[0] as Numeric;
    expect(evalOn(f, { m1: 0, m3: 3, m4: 5 })).toBe(3);
    expect(evalOn(f, { m1: 1, m2: 2 })).toBe(1);
    expect(evalOn(f, { m1: 0, m2: -1, m3: 0, m4: 0 })).toBeNaN();
    expect(evalOn(f, {})).toBeNaN();
  });

  it('slope: the least-squares slope over the positions', () => {
    const s = one({ name: 's', slope: ['v1', 'v2', 'v3'] })[0] as Numeric;
    expect(evalOn(s, { v1: 1, v2: 3, v3: 5 })).toBe(2);
    // positions 0, 1, 2, values 1, 2, 4: Sxy = (−1)(1 − 7/3) + (1)(4 − 7/3) = 3, Sxx = 2
    expect(evalOn(s, { v1: 1, v2: 2, v3: 4 })).toBeCloseTo(1.5, 14);
    // a missing middle value keeps the others' positions: (5 − 1) / 2
    expect(evalOn(s, { v1: 1, v3: 5 })).toBe(2);
    expect(evalOn(s, { v1: 2, v2: 2, v3: 2 })).toBe(0);
    expect(evalOn(s, { v1: 9, v2: 6, v3: 3 })).toBe(-3);
    // fewer than two values: no slope
    expect(evalOn(s, { v2: 7 })).toBeNaN();
    expect(evalOn(s, {})).toBeNaN();
  });
});

describe('combineCells', () => {
  it('joins the values with |, trimming text and writing numbers', () => {
    const row: Record<string, Cell> = { a: ' 2 ', b: 0, c: 'x' };
    expect(combineCells(['a', 'b'], (c) => row[c])).toBe('2|0');
    expect(combineCells(['c', 'a', 'b'], (c) => row[c])).toBe('x|2|0');
  });

  it('is null when one part is missing', () => {
    const row: Record<string, Cell> = { a: '2', b: 'NA', c: null };
    expect(combineCells(['a', 'b'], (c) => row[c])).toBeNull();
    expect(combineCells(['a', 'c'], (c) => row[c])).toBeNull();
    expect(combineCells(['a', 'zzz'], (c) => row[c])).toBeNull();
  });
});

describe('parseFeatureSpec', () => {
  const columns = ['A1', 'A2', 'A3', 'B2', 'B3', 'B4', 'C', 'PAY_0', 'PAY_2', 'PAY_3'];

  it('accepts a list or an object with a features list, and keeps the source', () => {
    const list = [{ name: 'worst', max: ['PAY_{0,2..3}'] }];
    const a = parseFeatureSpec(list, columns);
    const b = parseFeatureSpec({ features: list }, columns);
    expect(a.features).toEqual([
      { name: 'worst', op: 'max', columns: ['PAY_0', 'PAY_2', 'PAY_3'] },
    ]);
    expect(b.features).toEqual(a.features);
    expect(a.source).toBe(list);
    expect(parseFeatureSpec([], columns).features).toEqual([]);
  });

  it('zips element-wise features: the i-th name from the i-th column of each side', () => {
    const f = one({ name: 'paid_{1..3}', ratio: ['A{1..3}', 'B{2..4}'] }, columns);
    expect(f).toEqual([
      { name: 'paid_1', op: 'ratio', a: 'A1', b: 'B2' },
      { name: 'paid_2', op: 'ratio', a: 'A2', b: 'B3' },
      { name: 'paid_3', op: 'ratio', a: 'A3', b: 'B4' },
    ]);
  });

  it('uses a side that expands to one column for every feature', () => {
    const f = one({ name: 'share_{1..3}', ratio: ['A{1..3}', 'C'], ifZero: -1 }, columns);
    expect(f.map((x) => [x.name, 'a' in x && x.a, 'b' in x && x.b])).toEqual([
      ['share_1', 'A1', 'C'],
      ['share_2', 'A2', 'C'],
      ['share_3', 'A3', 'C'],
    ]);
    expect(f.every((x) => x.op === 'ratio' && x.ifZero === -1)).toBe(true);
  });

  it('reads count and first with their comparison', () => {
    expect(one({ name: 'late', count: ['PAY_{0,2..3}'], where: ' >= 1 ' }, columns)).toEqual([
      {
        name: 'late',
        op: 'count',
        columns: ['PAY_0', 'PAY_2', 'PAY_3'],
        where: { op: '>=', value: 1 },
      },
    ]);
    expect(one({ name: 'f', first: ['C'], where: '=-2.5' }, columns)[0]).toMatchObject({
      where: { op: '==', value: -2.5 },
    });
  });

  it('lets a feature use an earlier derived feature, and a description', () => {
    const spec = parseFeatureSpec(
      [
        { name: 'total', sum: ['A{1..3}'], description: 'all of A' },
        { name: 'share', ratio: ['A1', 'total'] },
      ],
      columns,
    );
    expect(spec.features.map((f) => f.name)).toEqual(['total', 'share']);
  });

  it('does not let a feature use a later one', () => {
    const e = errorOf(
      [
        { name: 'share', ratio: ['A1', 'total'] },
        { name: 'total', sum: ['A{1..3}'] },
      ],
      columns,
    );
    expect(e.message).toBe('features[0].ratio: no column "total" in the data');
  });

  it('does not check columns when none are given', () => {
    expect(one({ name: 'x', sum: ['anything'] })).toHaveLength(1);
  });

  it('names the entry and field of an unknown column', () => {
    const e = errorOf(
      [
        { name: 'ok', sum: ['C'] },
        { name: 'r', ratio: ['A1', 'Z'] },
      ],
      columns,
    );
    expect(e.path).toBe('features[1].ratio');
    expect(e.message).toBe('features[1].ratio: no column "Z" in the data');
    expect(errorOf([{ name: 'm', max: ['PAY_{0..3}'] }], columns).message).toBe(
      'features[0].max: no column "PAY_1" in the data',
    );
  });

  it('names the entry with two operations, or none', () => {
    const e = errorOf([{ name: 'x', sum: ['C'], max: ['C'] }], columns);
    expect(e.path).toBe('features[0]');
    expect(e.message).toMatch(/^features\[0\]: needs exactly one operation of ratio, /);
    expect(e.message).toMatch(/\(has sum, max\)$/);
    const none = errorOf([{ name: 'x' }], columns);
    expect(none.path).toBe('features[0]');
    expect(none.message).not.toMatch(/has/);
  });

  it('names an unknown field', () => {
    const e = errorOf([{ name: 'x', sum: ['C'], colour: 'red' }], columns);
    expect(e.path).toBe('features[0].colour');
    expect(e.message).toBe('features[0].colour: unknown field "colour"');
  });

  it('names a bad, missing or misplaced where', () => {
    expect(errorOf([{ name: 'n', count: ['C'], where: 'about 3' }]).message).toBe(
      'features[0].where: "about 3" is not a comparison such as "> 0"',
    );
    expect(errorOf([{ name: 'n', count: ['C'], where: '> x' }]).path).toBe('features[0].where');
    expect(errorOf([{ name: 'n', first: ['C'] }]).message).toBe(
      'features[0].where: needs a comparison such as "> 0"',
    );
    expect(errorOf([{ name: 'n', count: ['C'], where: 0 }]).path).toBe('features[0].where');
    expect(errorOf([{ name: 's', sum: ['C'], where: '> 0' }]).message).toBe(
      'features[0].where: is only for count and first',
    );
    expect(errorOf([{ name: 'r', ratio: ['A1', 'C'], where: '> 0' }]).path).toBe(
      'features[0].where',
    );
  });

  it('names an aggregate whose name expands to several', () => {
    const e = errorOf([{ name: 'total_{1..3}', sum: ['A{1..3}'] }], columns);
    expect(e.message).toBe(
      'features[0].name: an aggregate makes one feature; the name expands to 3',
    );
  });

  it('names a list whose length does not match the names', () => {
    const e = errorOf([{ name: 'r_{1..3}', ratio: ['A{1..3}', 'B{2..3}'] }], columns);
    expect(e.message).toBe(
      'features[0].ratio: the second column expands to 2 names for 3 features',
    );
    expect(errorOf([{ name: 'r', ratio: ['A{1..3}', 'C'] }], columns).message).toBe(
      'features[0].ratio: the first column expands to 3 names for 1 features',
    );
  });

  it('names bad operands', () => {
    expect(errorOf([{ name: 'r', ratio: ['A1'] }]).message).toBe(
      'features[0].ratio: takes two columns: [a, b]',
    );
    expect(errorOf([{ name: 'r', ratio: ['A1', 'B2', 'C'] }]).path).toBe('features[0].ratio');
    expect(errorOf([{ name: 's', sum: 'A1' }]).message).toBe(
      'features[0].sum: is a list of column names',
    );
    expect(errorOf([{ name: 's', sum: ['A1', 3] }]).path).toBe('features[0].sum');
    expect(errorOf([{ name: 's', sum: [] }]).message).toBe(
      'features[0].sum: needs at least one column',
    );
  });

  it('names a bad ifZero', () => {
    expect(errorOf([{ name: 'r', ratio: ['A1', 'C'], ifZero: 'zero' }]).message).toBe(
      'features[0].ifZero: is a number, for ratios only',
    );
    expect(errorOf([{ name: 'r', ratio: ['A1', 'C'], ifZero: Infinity }]).path).toBe(
      'features[0].ifZero',
    );
    expect(errorOf([{ name: 'd', difference: ['A1', 'C'], ifZero: 0 }]).path).toBe(
      'features[0].ifZero',
    );
  });

  // ifZero is checked for element-wise features only: on an aggregate it is silently ignored.
  it('rejects ifZero on an aggregate', () => {
    expect(() => parseFeatureSpec([{ name: 's', sum: ['A1', 'C'], ifZero: 0 }])).toThrow(
      FeatureSpecError,
    );
  });

  it('names an entry without a name, or that is not an object', () => {
    expect(errorOf([{ sum: ['C'] }]).path).toBe('features[0].name');
    expect(errorOf([{ name: '  ', sum: ['C'] }]).path).toBe('features[0].name');
    expect(errorOf([{ name: 's', sum: ['C'] }, 'x']).path).toBe('features[1]');
    expect(errorOf([['name']]).path).toBe('features[0]');
    expect(errorOf([null]).path).toBe('features[0]');
  });

  it('rejects a document that is not a list of features', () => {
    for (const doc of [null, 'x', 3, {}, { features: 'x' }])
      expect(errorOf(doc).message).toBe('features: a feature spec is a list under "features"');
  });

  it('rejects a name used twice, or that is already a column', () => {
    const twice = errorOf(
      [
        { name: 's', sum: ['C'] },
        { name: 's', max: ['C'] },
      ],
      columns,
    );
    expect(twice.message).toMatch(/the name s is used twice/);
    // also through an expansion
    expect(
      errorOf([
        { name: 'r_{1..2}', ratio: ['A{1..2}', 'C'] },
        { name: 'r_2', sum: ['C'] },
      ]).message,
    ).toMatch(/the name r_2 is used twice/);
    expect(errorOf([{ name: 'C', sum: ['A1'] }], columns).message).toMatch(
      /the name C is already a column of the data/,
    );
  });

  // parseFeatureSpec promises "Errors name the entry and the field", but these two only say
  // "features: …" without the entry.
  it('names the entry of a duplicate name and of a name that is a column', () => {
    const twice = errorOf(
      [
        { name: 's', sum: ['C'] },
        { name: 's', max: ['C'] },
      ],
      columns,
    );
    expect(twice.path).toBe('features[1].name');
    expect(errorOf([{ name: 'C', sum: ['A1'] }], columns).path).toBe('features[0].name');
  });
});

describe('deriveFeatures', () => {
  const header = ['id', 'A1', 'A2', 'B1', 'B2', 's1', 's2'];
  const rows: Cell[][] = [
    ['r1', '10', '20', '5', '4', '0', '2'],
    ['r2', '3', 'NA', '0', '0', '1', ' 1 '],
    ['r3', '', '8', '2', '', 'NA', '0'],
  ];
  const table = tableOfRows(header, rows);
  const spec = parseFeatureSpec(
    {
      features: [
        { name: 'pay_{1..2}', ratio: ['A{1..2}', 'B{1..2}'] },
        { name: 'pay_1z', ratio: ['A1', 'B1'], ifZero: 0 },
        { name: 'total', sum: ['A{1..2}'] },
        { name: 'share', ratio: ['A1', 'total'] },
        { name: 'late', count: ['s{1..2}'], where: '> 0' },
        { name: 'status', combine: ['s1', 's2'] },
        { name: 'status_late', combine: ['s2', 'late'] },
      ],
    },
    header,
  );
  const derived = deriveFeatures(table, spec);

  it('keeps the original columns and adds the derived ones after them', () => {
    expect(derived.columns).toEqual([
      ...header,
      'pay_1',
      'pay_2',
      'pay_1z',
      'total',
      'share',
      'late',
      'status',
      'status_late',
    ]);
    expect(derived.rows).toBe(3);
    for (const c of header)
      for (let r = 0; r < 3; r++) expect(derived.cell(c, r)).toBe(table.cell(c, r));
  });

  const column = (name: string) => [0, 1, 2].map((r) => derived.cell(name, r));

  it('computes element-wise features per row, missing cells as null', () => {
    // r1: 10/5, 20/4; r2: 3/0 missing, NA/0 missing; r3: ''/2 missing, 8/'' missing
    expect(column('pay_1')).toEqual([2, null, null]);
    expect(column('pay_2')).toEqual([5, null, null]);
    expect(column('pay_1z')).toEqual([2, 0, null]);
  });

  it('computes aggregates and features of derived features', () => {
    expect(column('total')).toEqual([30, 3, 8]);
    // A1 / total: 10/30, 3/3, missing A1
    const share = column('share');
    expect(share[0]).toBeCloseTo(1 / 3, 15);
    expect(share.slice(1)).toEqual([1, null]);
    expect(column('late')).toEqual([1, 2, 0]);
  });

  it('combines cells as text, null when a part is missing, also with derived numbers', () => {
    expect(column('status')).toEqual(['0|2', '1|1', null]);
    expect(column('status_late')).toEqual(['2|1', '1|2', '0|0']);
  });

  it('gives columns that read back as numeric or categorical', () => {
    const pay = readColumn(derived, 'pay_1');
    expect(pay.kind).toBe('numeric');
    expect(Array.from(pay.values as Float64Array)).toEqual([2, NaN, NaN]);
    expect(readColumn(derived, 'status')).toEqual({
      kind: 'categorical',
      name: 'status',
      values: ['0|2', '1|1', null],
    });
  });

  it('returns the table itself for an empty spec', () => {
    expect(deriveFeatures(table, parseFeatureSpec([]))).toBe(table);
  });

  it('throws when a column is not in the table', () => {
    const s = parseFeatureSpec([{ name: 't', sum: ['A1', 'nope'] }]);
    expect(() => deriveFeatures(table, s)).toThrow('no column nope in the data');
  });

  it('computes every operation on the same rows as evaluateFeature', () => {
    const s = parseFeatureSpec(
      [
        { name: 'd', difference: ['A1', 'B1'] },
        { name: 'p', product: ['A2', 'B2'] },
        { name: 'mx', max: ['A1', 'A2'] },
        { name: 'mn', min: ['A1', 'A2'] },
        { name: 'mean', mean: ['A1', 'A2', 'B1'] },
        { name: 'first', first: ['s1', 's2'], where: '> 0' },
        { name: 'slope', slope: ['A1', 'A2', 'B1'] },
      ],
      header,
    );
    const t = deriveFeatures(table, s);
    const col = (name: string) => [0, 1, 2].map((r) => t.cell(name, r));
    expect(col('d')).toEqual([5, 3, null]);
    expect(col('p')).toEqual([80, null, null]);
    expect(col('mx')).toEqual([20, 3, 8]);
    expect(col('mn')).toEqual([10, 3, 8]);
    // r1 (10 + 20 + 5)/3, r2 (3 + 0)/2, r3 (8 + 2)/2
    expect(col('mean')).toEqual([35 / 3, 1.5, 5]);
    expect(col('first')).toEqual([2, 1, null]);
    // r1: positions 0, 1, 2 values 10, 20, 5: Sxy = (−1)(10 − 35/3) + (1)(5 − 35/3) = −5, Sxx 2
    // r2: positions 0, 2 values 3, 0: −1.5; r3: positions 1, 2 values 8, 2: −6
    expect(col('slope')).toEqual([-2.5, -1.5, -6]);
  });
});
