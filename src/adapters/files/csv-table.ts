/**
 * A CSV file as a scoring table: the header names the columns, every row has as many cells.
 * The delimiter is `,`, `;`, tab or `|`, guessed from the header line unless given. The
 * fingerprint is the sha256 of the file's bytes, so a model records exactly what it learnt from.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Table } from '../../domain/scoring/table.ts';
import { tableOfRows } from '../../domain/scoring/table.ts';

export class CsvTableError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'CsvTableError';
  }
}

export interface CsvTable {
  table: Table;
  header: string[];
  rows: string[][];
  delimiter: string;
  fingerprint: string;
}

const CANDIDATES = [',', ';', '\t', '|'];

/** The delimiter that splits the header line into the most fields (outside quotes). */
export function guessDelimiter(text: string): string {
  const end = text.search(/\r?\n/);
  const line = end < 0 ? text : text.slice(0, end);
  let best = ',';
  let bestCount = 0;
  for (const d of CANDIDATES) {
    let count = 0;
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export function readCsvTable(file: string, options: { delimiter?: string } = {}): CsvTable {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new CsvTableError(file, `cannot read the file: ${(e as Error).message}`);
  }
  return parseCsvTable(file, bytes, options);
}

export function parseCsvTable(
  file: string,
  bytes: Buffer,
  options: { delimiter?: string } = {},
): CsvTable {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (!text.trim()) throw new CsvTableError(file, 'the file is empty: a header line is required');
  const delimiter = options.delimiter ?? guessDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as string[][];
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    throw new CsvTableError(
      file,
      `not valid CSV${err.lines ? ` at line ${err.lines}` : ''}: ${err.message ?? String(e)}`,
    );
  }
  const header = (records.shift() ?? []).map((h) => h.trim());
  if (header.length === 0 || header.every((h) => !h))
    throw new CsvTableError(file, 'the header line names no columns');
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (!h) throw new CsvTableError(file, `column ${i + 1} of the header has no name`);
    if (seen.has(h))
      throw new CsvTableError(
        file,
        `the column name ${JSON.stringify(h)} appears twice (columns ${seen.get(h)! + 1} and ${i + 1})`,
      );
    seen.set(h, i);
  });
  if (records.length === 0) throw new CsvTableError(file, 'the file has a header but no rows');
  records.forEach((r, i) => {
    if (r.length !== header.length)
      throw new CsvTableError(
        file,
        `line ${i + 2} has ${r.length} cells, the header has ${header.length} columns`,
      );
  });
  return {
    table: tableOfRows(header, records),
    header,
    rows: records,
    delimiter,
    fingerprint: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
  };
}

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** Writes rows as CSV (comma, quoted where needed, LF). */
export function writeCsv(
  file: string,
  header: readonly string[],
  rows: Iterable<readonly unknown[]>,
): void {
  const lines = [header.map((h) => quote(h)).join(',')];
  for (const r of rows)
    lines.push(r.map((c) => quote(c === null || c === undefined ? '' : String(c))).join(','));
  writeFileSync(file, `${lines.join('\n')}\n`);
}
