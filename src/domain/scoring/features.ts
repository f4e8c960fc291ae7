/**
 * Derived characteristics: a small, declarative feature-engineering step that any table can
 * use, written as data (YAML or JSON) and stored in the model so that scoring derives exactly
 * what training did.
 *
 * ```yaml
 * features:
 *   - name: worst_status          # the worst of six monthly statuses
 *     max: ["PAY_{0,2..6}"]
 *   - name: months_late           # how many of them were late
 *     count: ["PAY_{0,2..6}"]
 *     where: "> 0"
 *   - name: paid_share_{1..5}     # one feature per month: payment over the bill before it
 *     ratio: ["PAY_AMT{1..5}", "BILL_AMT{2..6}"]
 * ```
 *
 * Names and columns may hold `{a..b}` (integer ranges) and `{x,y,…}` lists. A name that
 * expands to k names makes k features, the i-th from the i-th column of each operand (an
 * operand that expands to one column is used for all). Aggregates (`sum`, `mean`, `max`,
 * `min`, `count`, `first`, `slope`) take all their columns for one feature.
 *
 * Operations (missing cells are skipped by aggregates; an element-wise result with a missing
 * operand is missing):
 * - `ratio: [a, b]` a / b; b = 0 gives `ifZero` when set, else missing.
 * - `difference: [a, b]` a − b; `product: [a, b]` a · b.
 * - `sum`, `mean`, `max`, `min`: over the columns present.
 * - `count` (with `where`): how many columns satisfy the comparison.
 * - `first` (with `where`): the position (1 = first column) of the first column that satisfies
 *   it, missing when none does (e.g. months since the last late payment).
 * - `slope`: the least-squares slope of the values over their positions (a trend).
 * - `combine`: a category made of the columns' values joined by `|` (e.g. this month's and
 *   last month's status, `2|0`), missing when one is: lets an additive scorecard see how two
 *   characteristics act together. Rare combinations are pooled by the binning.
 * - `where`: `> 0`, `>= 1`, `< 0`, `<= 0`, `== 0`, `!= 0` (any number).
 */
import type { Cell, Table } from './table.ts';
import { isMissing, numberOf } from './table.ts';

type Comparison = { op: '>' | '>=' | '<' | '<=' | '==' | '!='; value: number };

export type FeatureOp =
  | { op: 'ratio'; a: string; b: string; ifZero?: number }
  | { op: 'difference' | 'product'; a: string; b: string }
  | { op: 'sum' | 'mean' | 'max' | 'min' | 'slope'; columns: string[] }
  | { op: 'count' | 'first'; columns: string[]; where: Comparison }
  | { op: 'combine'; columns: string[] };

/** One derived column, after expansion. */
export type DerivedFeature = FeatureOp & { name: string };

/** The spec as written (kept in the model for the record) and as expanded. */
export interface FeatureSpec {
  source: unknown;
  features: DerivedFeature[];
}

const ELEMENTWISE = ['ratio', 'difference', 'product'] as const;
const AGGREGATES = ['sum', 'mean', 'max', 'min', 'slope', 'count', 'first', 'combine'] as const;

export class FeatureSpecError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FeatureSpecError';
  }
}

/** Expands `{a..b}` and `{x,y}` groups (nested too), left to right, as the shell does. */
export function expandBraces(pattern: string): string[] {
  // the first group at the outermost level, and its top-level items
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  let close = -1;
  const cuts: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    } else if (ch === ',' && depth === 1) cuts.push(i);
  }
  if (close < 0) return [pattern];
  const before = pattern.slice(0, open);
  const after = pattern.slice(close + 1);
  const parts: string[] = [];
  let from = open + 1;
  for (const c of [...cuts, close]) {
    parts.push(pattern.slice(from, c));
    from = c + 1;
  }
  const items: string[] = [];
  for (const part of parts) {
    const range = /^\s*(-?\d+)\.\.(-?\d+)\s*$/.exec(part);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      const step = a <= b ? 1 : -1;
      if (Math.abs(b - a) > 10_000) throw new RangeError(`the range ${part} is too long`);
      for (let v = a; step > 0 ? v <= b : v >= b; v += step) items.push(String(v));
    } else items.push(...expandBraces(part.trim()));
  }
  return items.flatMap((item) => expandBraces(`${before}${item}${after}`));
}

function parseWhere(text: unknown, path: string): Comparison {
  if (typeof text !== 'string')
    throw new FeatureSpecError('needs a comparison such as "> 0"', path);
  const m = /^\s*(>=|<=|==|!=|>|<|=)\s*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*$/.exec(text);
  if (!m)
    throw new FeatureSpecError(`${JSON.stringify(text)} is not a comparison such as "> 0"`, path);
  const op = (m[1] === '=' ? '==' : m[1]) as Comparison['op'];
  return { op, value: Number(m[2]) };
}

/**
 * Reads a spec (the parsed YAML/JSON: `{ features: [...] }` or the list itself) and checks it
 * against the table's columns when given. Errors name the entry and the field.
 */
export function parseFeatureSpec(doc: unknown, columns?: readonly string[]): FeatureSpec {
  const list = Array.isArray(doc)
    ? doc
    : doc && typeof doc === 'object' && Array.isArray((doc as { features?: unknown }).features)
      ? (doc as { features: unknown[] }).features
      : undefined;
  if (!list) throw new FeatureSpecError('a feature spec is a list under "features"', 'features');
  const original = new Set(columns ?? []);
  // a feature may use the columns and the features before it
  const known = new Set(columns ?? []);
  const out: DerivedFeature[] = [];
  const entryOf = new Map<DerivedFeature, number>();
  list.forEach((raw, index) => {
    const first = out.length;
    const path = `features[${index}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw new FeatureSpecError('each feature is an object with a name and one operation', path);
    const entry = raw as Record<string, unknown>;
    if (typeof entry.name !== 'string' || !entry.name.trim())
      throw new FeatureSpecError('needs a name', `${path}.name`);
    const ops = [...ELEMENTWISE, ...AGGREGATES].filter((k) => k in entry);
    if (ops.length !== 1)
      throw new FeatureSpecError(
        `needs exactly one operation of ${[...ELEMENTWISE, ...AGGREGATES].join(', ')}${ops.length ? ` (has ${ops.join(', ')})` : ''}`,
        path,
      );
    const allowed = new Set(['name', ops[0]!, 'where', 'ifZero', 'description']);
    for (const k of Object.keys(entry))
      if (!allowed.has(k))
        throw new FeatureSpecError(`unknown field ${JSON.stringify(k)}`, `${path}.${k}`);
    const op = ops[0]!;
    const names = expandBraces(entry.name.trim());
    const operands = entry[op];
    if (!Array.isArray(operands) || operands.some((c) => typeof c !== 'string'))
      throw new FeatureSpecError('is a list of column names', `${path}.${op}`);
    const check = (col: string) => {
      if (columns && !known.has(col))
        throw new FeatureSpecError(`no column ${JSON.stringify(col)} in the data`, `${path}.${op}`);
    };
    if ((ELEMENTWISE as readonly string[]).includes(op)) {
      if (operands.length !== 2)
        throw new FeatureSpecError('takes two columns: [a, b]', `${path}.${op}`);
      const [as, bs] = (operands as string[]).map(expandBraces) as [string[], string[]];
      for (const [side, list2] of [
        ['first', as],
        ['second', bs],
      ] as const)
        if (list2.length !== 1 && list2.length !== names.length)
          throw new FeatureSpecError(
            `the ${side} column expands to ${list2.length} names for ${names.length} features`,
            `${path}.${op}`,
          );
      let ifZero: number | undefined;
      if (entry.ifZero !== undefined) {
        if (op !== 'ratio' || typeof entry.ifZero !== 'number' || !Number.isFinite(entry.ifZero))
          throw new FeatureSpecError('is a number, for ratios only', `${path}.ifZero`);
        ifZero = entry.ifZero;
      }
      names.forEach((name, i) => {
        const a = as.length === 1 ? as[0]! : as[i]!;
        const b = bs.length === 1 ? bs[0]! : bs[i]!;
        check(a);
        check(b);
        out.push(
          op === 'ratio'
            ? { name, op, a, b, ...(ifZero !== undefined ? { ifZero } : {}) }
            : { name, op: op as 'difference' | 'product', a, b },
        );
      });
      if (entry.where !== undefined)
        throw new FeatureSpecError('is only for count and first', `${path}.where`);
    } else {
      if (names.length !== 1)
        throw new FeatureSpecError(
          `an aggregate makes one feature; the name expands to ${names.length}`,
          `${path}.name`,
        );
      const cols = (operands as string[]).flatMap(expandBraces);
      if (cols.length === 0)
        throw new FeatureSpecError('needs at least one column', `${path}.${op}`);
      cols.forEach(check);
      if (entry.ifZero !== undefined)
        throw new FeatureSpecError('is a number, for ratios only', `${path}.ifZero`);
      if (op === 'count' || op === 'first') {
        out.push({
          name: names[0]!,
          op,
          columns: cols,
          where: parseWhere(entry.where, `${path}.where`),
        });
      } else {
        if (entry.where !== undefined)
          throw new FeatureSpecError('is only for count and first', `${path}.where`);
        out.push({ name: names[0]!, op: op as 'sum' | 'combine', columns: cols });
      }
    }
    for (const name of names) known.add(name);
    for (let k = first; k < out.length; k++) entryOf.set(out[k]!, index);
  });
  const seen = new Set<string>();
  for (const f of out) {
    const path = `features[${entryOf.get(f)!}].name`;
    if (seen.has(f.name)) throw new FeatureSpecError(`the name ${f.name} is used twice`, path);
    if (original.has(f.name))
      throw new FeatureSpecError(`the name ${f.name} is already a column of the data`, path);
    seen.add(f.name);
  }
  return { source: doc, features: out };
}

const test = (w: Comparison, v: number) => {
  switch (w.op) {
    case '>':
      return v > w.value;
    case '>=':
      return v >= w.value;
    case '<':
      return v < w.value;
    case '<=':
      return v <= w.value;
    case '==':
      return v === w.value;
    case '!=':
      return v !== w.value;
  }
};

/** The value of one derived feature, given a way to read a column's number (NaN missing). */
export function evaluateFeature(
  f: Exclude<DerivedFeature, { op: 'combine' }>,
  get: (column: string) => number,
): number {
  switch (f.op) {
    case 'ratio': {
      const a = get(f.a);
      const b = get(f.b);
      if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
      if (b === 0) return f.ifZero ?? NaN;
      return a / b;
    }
    case 'difference': {
      const a = get(f.a);
      const b = get(f.b);
      return a - b;
    }
    case 'product':
      return get(f.a) * get(f.b);
    case 'sum':
    case 'mean':
    case 'max':
    case 'min': {
      let n = 0;
      let acc = f.op === 'max' ? -Infinity : f.op === 'min' ? Infinity : 0;
      for (const c of f.columns) {
        const v = get(c);
        if (Number.isNaN(v)) continue;
        n++;
        acc = f.op === 'max' ? Math.max(acc, v) : f.op === 'min' ? Math.min(acc, v) : acc + v;
      }
      if (n === 0) return NaN;
      return f.op === 'mean' ? acc / n : acc;
    }
    case 'count': {
      let n = 0;
      for (const c of f.columns) {
        const v = get(c);
        if (!Number.isNaN(v) && test(f.where, v)) n++;
      }
      return n;
    }
    case 'first': {
      for (let i = 0; i < f.columns.length; i++) {
        const v = get(f.columns[i]!);
        if (!Number.isNaN(v) && test(f.where, v)) return i + 1;
      }
      return NaN;
    }
    case 'slope': {
      let n = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      f.columns.forEach((c, i) => {
        const v = get(c);
        if (Number.isNaN(v)) return;
        n++;
        sx += i;
        sy += v;
        sxx += i * i;
        sxy += i * v;
      });
      const den = n * sxx - sx * sx;
      return n < 2 || den === 0 ? NaN : (n * sxy - sx * sy) / den;
    }
  }
}

/** The category of a `combine` feature, null when a part is missing. */
export function combineCells(
  columns: readonly string[],
  get: (column: string) => Cell,
): string | null {
  const parts: string[] = [];
  for (const c of columns) {
    const v = get(c);
    if (isMissing(v)) return null;
    parts.push(typeof v === 'number' ? String(v) : v!.trim());
  }
  return parts.join('|');
}

/** The table with the derived columns added after its own (computed once, column-wise). */
export function deriveFeatures(table: Table, spec: FeatureSpec): Table {
  if (spec.features.length === 0) return table;
  const derived = new Map<string, Float64Array | (string | null)[]>();
  const cache = new Map<string, Float64Array>();
  const numbers = (column: string): Float64Array => {
    const d = derived.get(column);
    if (d) {
      if (d instanceof Float64Array) return d;
      return Float64Array.from(d, (v) => numberOf(v));
    }
    let col = cache.get(column);
    if (col) return col;
    if (!table.columns.includes(column)) throw new RangeError(`no column ${column} in the data`);
    col = new Float64Array(table.rows);
    for (let i = 0; i < table.rows; i++) col[i] = numberOf(table.cell(column, i));
    cache.set(column, col);
    return col;
  };
  const cellOf = (column: string, row: number): Cell => {
    const d = derived.get(column);
    if (!d) return table.cell(column, row);
    const v = d[row]!;
    return typeof v === 'number' ? (Number.isFinite(v) ? v : null) : v;
  };
  for (const f of spec.features) {
    if (f.op === 'combine') {
      for (const c of f.columns)
        if (!derived.has(c) && !table.columns.includes(c))
          throw new RangeError(`no column ${c} in the data`);
      const out: (string | null)[] = new Array(table.rows);
      for (let row = 0; row < table.rows; row++)
        out[row] = combineCells(f.columns, (c) => cellOf(c, row));
      derived.set(f.name, out);
      continue;
    }
    const out = new Float64Array(table.rows);
    const cols = new Map<string, Float64Array>();
    const used = 'columns' in f ? f.columns : [f.a, f.b];
    for (const c of used) cols.set(c, numbers(c));
    let row = 0;
    const get = (c: string) => cols.get(c)![row]!;
    for (row = 0; row < table.rows; row++) out[row] = evaluateFeature(f, get);
    derived.set(f.name, out);
  }
  return {
    columns: [...table.columns, ...spec.features.map((f) => f.name)],
    rows: table.rows,
    cell: cellOf,
  };
}
