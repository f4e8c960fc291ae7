import { describe, expect, it } from 'vitest';
import {
  categoryOf,
  isMissing,
  numberOf,
  readColumn,
  readTarget,
  tableOf,
  tableOfRows,
  type Cell,
} from './table.ts';

/** A one-column table. */
const columnTable = (name: string, cells: Cell[]) =>
  tableOfRows(
    [name],
    cells.map((c) => [c]),
  );

describe('isMissing', () => {
  it.each([
    ['an empty string', ''],
    ['blanks', '   '],
    ['a tab and a newline', '\t\n'],
    ['NA', 'NA'],
    ['na', 'na'],
    ['N/A', 'N/A'],
    ['NaN', 'NaN'],
    ['NAN', 'NAN'],
    ['null', 'null'],
    ['NULL', 'NULL'],
    ['None', 'None'],
    ['?', '?'],
    ['#N/A', '#N/A'],
    ['NA with blanks around it', '  NA '],
    ['null (the value)', null],
    ['undefined', undefined],
    ['the number NaN', NaN],
    ['an infinite number', Infinity],
    ['a negative infinite number', -Infinity],
  ])('takes %s as missing', (_what, cell) => {
    expect(isMissing(cell)).toBe(true);
  });

  it.each([
    ['0', '0'],
    ['the number 0', 0],
    ['a minus sign', '-'],
    ['N', 'N'],
    ['a word that contains NA', 'NAME'],
    ['??', '??'],
    ['false', 'false'],
  ])('takes %s as present', (_what, cell) => {
    expect(isMissing(cell)).toBe(false);
  });
});

describe('numberOf', () => {
  it.each([
    ['12', 12],
    [' 12 ', 12],
    ['-3.5', -3.5],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['0', 0],
  ] as const)('reads %j as %d', (text, value) => {
    expect(numberOf(text)).toBe(value);
  });

  it.each(['1,000', '12abc', '0x10', '', '  ', 'Infinity', 'NaN', '1e', '--1', '1 2', 'e5'])(
    'does not read %j as a number',
    (text) => {
      expect(numberOf(text)).toBeNaN();
    },
  );

  it('passes finite numbers through and turns the rest into NaN', () => {
    expect(numberOf(4.25)).toBe(4.25);
    expect(numberOf(-0.5)).toBe(-0.5);
    expect(numberOf(Infinity)).toBeNaN();
    expect(numberOf(NaN)).toBeNaN();
    expect(numberOf(null)).toBeNaN();
    expect(numberOf(undefined)).toBeNaN();
  });
});

describe('categoryOf', () => {
  it('trims text, writes numbers as text and gives null for missing cells', () => {
    expect(categoryOf('  gold ')).toBe('gold');
    expect(categoryOf(3)).toBe('3');
    expect(categoryOf(1.5)).toBe('1.5');
    expect(categoryOf('NA')).toBeNull();
    expect(categoryOf(' ')).toBeNull();
    expect(categoryOf(null)).toBeNull();
    expect(categoryOf(undefined)).toBeNull();
  });
});

describe('tables', () => {
  it('tableOfRows reads cells by header name and gives undefined for unknown columns', () => {
    const t = tableOfRows(
      ['a', 'b'],
      [
        [1, 'x'],
        [2, 'y'],
        [3, null],
      ],
    );
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows).toBe(3);
    expect(t.cell('a', 1)).toBe(2);
    expect(t.cell('b', 0)).toBe('x');
    expect(t.cell('b', 2)).toBeNull();
    expect(t.cell('zzz', 0)).toBeUndefined();
    expect(t.cell('a', 99)).toBeUndefined();
  });

  it('tableOfRows copies the header', () => {
    const header = ['a'];
    const t = tableOfRows(header, [[1]]);
    header.push('b');
    expect(t.columns).toEqual(['a']);
  });

  it('tableOf takes its columns from the first record unless given', () => {
    const records = [
      { a: '1', b: 'x' },
      { a: '2', b: 'y' },
    ];
    const t = tableOf(records);
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows).toBe(2);
    expect(t.cell('b', 1)).toBe('y');
    expect(tableOf(records, ['b']).columns).toEqual(['b']);
    expect(tableOf([]).columns).toEqual([]);
    expect(tableOf([]).rows).toBe(0);
  });
});

describe('readColumn', () => {
  it('reads a column of numbers as numeric, missing cells as NaN', () => {
    const t = columnTable('x', ['1', ' 2.5 ', 'NA', '', 4, null, '-1e1']);
    const c = readColumn(t, 'x');
    expect(c.kind).toBe('numeric');
    expect(c.name).toBe('x');
    expect(Array.from(c.values as Float64Array)).toEqual([1, 2.5, NaN, NaN, 4, NaN, -10]);
  });

  it('reads the whole column as categories when a single present cell is not a number', () => {
    const t = columnTable('x', ['1', '2', '3', 'three', '4', 'NA']);
    const c = readColumn(t, 'x');
    expect(c.kind).toBe('categorical');
    // every cell, also the ones before and after the text, as trimmed text; missing as null
    expect(c.values).toEqual(['1', '2', '3', 'three', '4', null]);
  });

  it('reads a column with no present cell as categorical (nothing says it is numeric)', () => {
    const c = readColumn(columnTable('x', ['', 'NA', null]), 'x');
    expect(c.kind).toBe('categorical');
    expect(c.values).toEqual([null, null, null]);
  });

  it('reads numbers as categories when asked to', () => {
    const c = readColumn(columnTable('x', ['1', 2, 'NA']), 'x', 'categorical');
    expect(c).toEqual({ kind: 'categorical', name: 'x', values: ['1', '2', null] });
  });

  it('refuses to read text as numbers when asked to, naming the column', () => {
    expect(() => readColumn(columnTable('grade', ['1', 'A']), 'grade', 'numeric')).toThrow(
      /column grade is not numeric/,
    );
  });

  it('reads an all-missing column as numeric when asked to', () => {
    const c = readColumn(columnTable('x', ['NA', '']), 'x', 'numeric');
    expect(c.kind).toBe('numeric');
    expect(Array.from(c.values as Float64Array)).toEqual([NaN, NaN]);
  });
});

describe('readTarget', () => {
  const target = (cells: Cell[], event?: string) => readTarget(columnTable('y', cells), 'y', event);

  it('reads 0/1 with 1 as the event', () => {
    const r = target(['0', '1', '1', '0', ' 1 ']);
    expect(Array.from(r.labels)).toEqual([0, 1, 1, 0, 1]);
    expect(r.eventValue).toBe('1');
    expect(r.nonEventValue).toBe('0');
  });

  it('reads numeric cells 0/1 like text ones', () => {
    const r = target([0, 1, '1', 0]);
    expect(Array.from(r.labels)).toEqual([0, 1, 1, 0]);
  });

  it.each([
    [['yes', 'no', 'no', 'yes'], 'yes', 'no', [1, 0, 0, 1]],
    [['No', 'Yes', 'No'], 'Yes', 'No', [0, 1, 0]],
    [['true', 'false', 'true'], 'true', 'false', [1, 0, 1]],
    [['FALSE', 'TRUE'], 'TRUE', 'FALSE', [0, 1]],
    [['good', 'bad', 'good', 'good'], 'bad', 'good', [0, 1, 0, 0]],
    [['N', 'Y', 'Y'], 'Y', 'N', [0, 1, 1]],
    [['paid', 'default', 'paid'], 'default', 'paid', [0, 1, 0]],
  ])('reads %j with the event %j', (cells, event, nonEvent, labels) => {
    const r = target(cells);
    expect(r.eventValue).toBe(event);
    expect(r.nonEventValue).toBe(nonEvent);
    expect(Array.from(r.labels)).toEqual(labels);
  });

  it('takes the larger of two numbers as the event', () => {
    expect(target(['3', '7', '3']).eventValue).toBe('7');
    expect(Array.from(target(['3', '7', '3']).labels)).toEqual([0, 1, 0]);
    expect(target(['2.5', '0.5']).eventValue).toBe('2.5');
    expect(target(['-1', '-4']).eventValue).toBe('-1');
  });

  it('uses the event given, also against the usual words', () => {
    const r = target(['good', 'bad', 'good'], 'good');
    expect(r.eventValue).toBe('good');
    expect(r.nonEventValue).toBe('bad');
    expect(Array.from(r.labels)).toEqual([1, 0, 1]);
    expect(Array.from(target(['0', '1', '0'], '0').labels)).toEqual([1, 0, 1]);
  });

  it('asks for the event when it cannot tell', () => {
    expect(() => target(['red', 'blue'])).toThrow(/cannot tell which target value is the event/);
    expect(() => target(['red', 'blue'])).toThrow(/red or blue/);
    expect(() => target(['red', 'blue'])).toThrow(/event option/);
  });

  it('rejects an event that is not one of the values, listing them', () => {
    expect(() => target(['0', '1'], 'bad')).toThrow(
      'the event value "bad" is not one of the target\'s values 0, 1',
    );
  });

  it('names the row of a missing target (counting rows from 1)', () => {
    expect(() => target(['0', '1', 'NA', '0'])).toThrow(
      'data row 3: the target y is missing; every row needs one',
    );
    expect(() => target(['0', '1', '1', ' '])).toThrow(/^data row 4: /);
    expect(() => target([null, '1'])).toThrow(/^data row 1: /);
  });

  it('rejects a third value, naming the values and the row', () => {
    expect(() => target(['0', '1', '0', '2', '1'])).toThrow(
      'the target y is not binary: it has the values "0", "1", "2" (data row 4)',
    );
  });

  it('rejects a single value: both outcomes are needed', () => {
    expect(() => target(['0', '0', '0'])).toThrow(
      'the target y has only the value "0": both outcomes are needed',
    );
  });

  it('rejects a column that is not there, listing the columns', () => {
    const t = tableOfRows(['age', 'income'], [[30, 1000]]);
    expect(() => readTarget(t, 'default')).toThrow(
      'target column "default" is not in the data (columns: age, income)',
    );
  });

  it('throws RangeErrors', () => {
    expect(() => target(['0', '0'])).toThrow(RangeError);
  });
});
