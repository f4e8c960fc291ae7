/**
 * The training table: named columns of raw cells, read as numbers or as categories.
 *
 * A cell is missing when it is empty or one of `NA`, `N/A`, `NaN`, `null`, `NULL`, `None`, `?`
 * (after trimming): missing values are not guessed, they get a bin of their own. A column is
 * numeric when every present cell parses as a finite decimal number; otherwise categorical.
 */

export type Cell = string | number | null | undefined;

/** Columns by name, each a list of cells of equal length. */
export interface Table {
  columns: string[];
  rows: number;
  cell(column: string, row: number): Cell;
}

/** The texts that mean a missing value (compared trimmed and in lower case). */
export const MISSING_TOKENS: readonly string[] = [
  '',
  'na',
  'n/a',
  'nan',
  'null',
  'none',
  '?',
  '#n/a',
];
const MISSING = new Set(MISSING_TOKENS);

export function isMissing(cell: Cell): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'number') return !Number.isFinite(cell);
  return MISSING.has(cell.trim().toLowerCase());
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The number in a cell, NaN when missing or not a number. */
export function numberOf(cell: Cell): number {
  if (cell === null || cell === undefined) return NaN;
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : NaN;
  const t = cell.trim();
  return NUMBER.test(t) ? Number(t) : NaN;
}

/** A category's text: trimmed; missing cells are null. */
export function categoryOf(cell: Cell): string | null {
  if (isMissing(cell)) return null;
  return typeof cell === 'number' ? String(cell) : cell!.trim();
}

/** A column read as numbers (NaN is missing) or as categories (null is missing). */
export type Column =
  | { kind: 'numeric'; name: string; values: Float64Array }
  | { kind: 'categorical'; name: string; values: (string | null)[] };

/** Numeric when every present cell is a number (and at least one is present). */
export function readColumn(table: Table, name: string, kind?: Column['kind']): Column {
  const n = table.rows;
  if (kind !== 'categorical') {
    const values = new Float64Array(n);
    let numeric = true;
    let present = 0;
    for (let i = 0; i < n; i++) {
      const c = table.cell(name, i);
      if (isMissing(c)) {
        values[i] = NaN;
        continue;
      }
      const v = numberOf(c);
      if (Number.isNaN(v)) {
        numeric = false;
        break;
      }
      values[i] = v;
      present++;
    }
    if ((numeric && present > 0) || kind === 'numeric') {
      if (!numeric) throw new RangeError(`column ${name} is not numeric`);
      return { kind: 'numeric', name, values };
    }
  }
  const values: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = categoryOf(table.cell(name, i));
  return { kind: 'categorical', name, values };
}

/** A table over plain records (e.g. parsed CSV rows keyed by header). */
export function tableOf(records: readonly Record<string, Cell>[], columns?: string[]): Table {
  const cols = columns ?? (records[0] ? Object.keys(records[0]) : []);
  return {
    columns: cols,
    rows: records.length,
    cell: (column, row) => records[row]?.[column],
  };
}

/** A table over a header and rows of cells in header order. */
export function tableOfRows(header: readonly string[], rows: readonly (readonly Cell[])[]): Table {
  const index = new Map(header.map((h, i) => [h, i]));
  return {
    columns: [...header],
    rows: rows.length,
    cell: (column, row) => {
      const i = index.get(column);
      return i === undefined ? undefined : rows[row]?.[i];
    },
  };
}

/**
 * The binary target: 1 for the event, 0 for the non-event. Accepts 0/1, true/false, yes/no,
 * y/n, bad/good, default/… as long as exactly two distinct values are present; the event is
 * `event` when given, else the larger of two numbers (1 of 0/1, 2 of 1/2), else true, yes, y,
 * bad, default or event.
 */
export function readTarget(
  table: Table,
  name: string,
  event?: string,
): { labels: Uint8Array; eventValue: string; nonEventValue: string } {
  if (!table.columns.includes(name))
    throw new RangeError(
      `target column ${JSON.stringify(name)} is not in the data (columns: ${table.columns.join(', ')})`,
    );
  const seen = new Map<string, number>();
  for (let i = 0; i < table.rows; i++) {
    const c = table.cell(name, i);
    if (isMissing(c))
      throw new RangeError(`data row ${i + 1}: the target ${name} is missing; every row needs one`);
    const v = String(c).trim();
    if (!seen.has(v)) {
      if (seen.size === 2)
        throw new RangeError(
          `the target ${name} is not binary: it has the values ${[...seen.keys(), v]
            .map((x) => JSON.stringify(x))
            .join(', ')} (data row ${i + 1})`,
        );
      seen.set(v, i);
    }
  }
  const values = [...seen.keys()];
  if (values.length < 2)
    throw new RangeError(
      `the target ${name} has only the value ${JSON.stringify(values[0] ?? '')}: both outcomes are needed`,
    );
  const eventValue = event ?? pickEvent(values as [string, string]);
  if (!values.includes(eventValue))
    throw new RangeError(
      `the event value ${JSON.stringify(eventValue)} is not one of the target's values ${values.join(', ')}`,
    );
  const nonEventValue = values.find((v) => v !== eventValue)!;
  const labels = new Uint8Array(table.rows);
  for (let i = 0; i < table.rows; i++)
    labels[i] = String(table.cell(name, i)).trim() === eventValue ? 1 : 0;
  return { labels, eventValue, nonEventValue };
}

const EVENT_WORDS = ['1', 'true', 'yes', 'y', 'bad', 'default', 'event'];

function pickEvent([a, b]: [string, string]): string {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na > nb ? a : b;
  for (const w of EVENT_WORDS) {
    if (a.toLowerCase() === w) return a;
    if (b.toLowerCase() === w) return b;
  }
  throw new RangeError(
    `cannot tell which target value is the event (${a} or ${b}): name it with the event option`,
  );
}
