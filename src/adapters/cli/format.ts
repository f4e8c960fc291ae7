/** Argument parsers and output helpers shared by the CLI commands. */
import { InvalidArgumentError } from 'commander';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import type { Platform } from '../platform.ts';
import { readCsvTable } from '../files/csv-table.ts';

/** Runs a command's work on an opened platform, closed afterwards. */
export type WithPlatform = <T>(fn: (p: Platform) => Promise<T>) => Promise<T>;

export function dateArg(value: string): LocalDate {
  if (!isLocalDate(value)) throw new InvalidArgumentError(`"${value}" is not a date (YYYY-MM-DD)`);
  return value;
}

/** A line on standard output (a newline added when missing). */
export const out = (s: string) => void process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

/** A rate as a percentage with one decimal; `-` when there is none. */
export const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`;

/** A version number (1, 2, …). */
export function versionArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${v}" is not a version number`);
  return n;
}

/**
 * A CSV file of rows to record (promises, plans): the named columns must be there; `col` reads a
 * cell of a row by column name, trimmed, undefined when empty or absent.
 */
export function readRowFile(
  file: string,
  required: readonly string[],
): { rows: string[][]; col: (row: string[], column: string) => string | undefined } {
  const t = readCsvTable(file);
  const missing = required.filter((c) => !t.header.includes(c));
  if (missing.length > 0)
    throw new InvalidArgumentError(`${file}: missing column(s) ${missing.join(', ')}`);
  const col = (row: string[], c: string) => {
    const i = t.header.indexOf(c);
    return i < 0 ? undefined : (row[i] ?? '').trim() || undefined;
  };
  return { rows: t.rows, col };
}
