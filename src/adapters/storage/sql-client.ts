/**
 * The one small interface the rest of storage speaks, with an implementation per engine:
 * PGlite (PostgreSQL in-process, the embedded default) and a PostgreSQL server through `pg`.
 * Both run the same SQL; bulk loads use COPY on both.
 */
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export type Engine = 'pglite' | 'postgres';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export type CopyValue = string | number | boolean | null | undefined;

export interface SqlConnection {
  readonly engine: Engine;
  /** A Kysely instance bound to this connection (inside a transaction: to the transaction). */
  readonly kysely: Kysely<Schema>;
  /**
   * `prepare` names a statement run often with different parameters: the server plans it once
   * per connection (the embedded engine has no planning cost to save and ignores it).
   */
  query<R = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    opts?: { prepare?: string },
  ): Promise<QueryResult<R>>;
  /** Runs several statements separated by semicolons (no parameters). */
  exec(text: string): Promise<void>;
  /** Bulk-loads rows with COPY ... FROM in CSV format. Returns the number of rows. */
  copyFrom(table: string, columns: readonly string[], rows: Iterable<CopyValue[]>): Promise<number>;
  /** COPY ... FROM of CSV text as it is (no header). */
  copyFromText(table: string, columns: readonly string[], csv: string): Promise<number>;
  /** COPY ... TO: the rows of a table or query as CSV text. */
  copyOut(source: string): Promise<string>;
}

export interface Database extends SqlConnection {
  /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T>;
  /** Flushes bulk work to disk (a CHECKPOINT). */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
  /** Human-readable description of where the data lives. */
  readonly location: string;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV line for COPY: NULL is an empty unquoted field, an empty string is `""`. */
export function copyLine(values: CopyValue[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) continue;
    const s = typeof v === 'string' ? v : String(v);
    if (s === '' || NEEDS_QUOTES.test(s)) out += `"${s.replaceAll('"', '""')}"`;
    else out += s;
  }
  return out + '\n';
}

/** Batches CSV lines into chunks of about `size` characters. */
export function* copyChunks(rows: Iterable<CopyValue[]>, size = 1 << 20): Generator<string> {
  let buf: string[] = [];
  let len = 0;
  for (const r of rows) {
    const line = copyLine(r);
    buf.push(line);
    len += line.length;
    if (len >= size) {
      yield buf.join('');
      buf = [];
      len = 0;
    }
  }
  if (buf.length > 0) yield buf.join('');
}

export function copyOutSql(source: string, target: string): string {
  const ident = /^[a-z_][a-z0-9_]*$/;
  const from = ident.test(source) ? source : `(${source})`;
  return `COPY ${from} TO ${target} WITH (FORMAT csv)`;
}

export function copySql(table: string, columns: readonly string[], source: string): string {
  const ident = /^[a-z_][a-z0-9_]*$/;
  if (!ident.test(table) || !columns.every((c) => ident.test(c))) {
    throw new Error(`invalid identifier in COPY ${table}(${columns.join(',')})`);
  }
  return `COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

/** Safe-integer conversion of PostgreSQL bigint text. */
export function parseBigint(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer out of safe range: ${text}`);
  return n;
}

/** PostgreSQL timestamptz text (`2026-11-29 12:55:01.12+08`) to an ISO instant string. */
export function parseTimestamp(text: string): string {
  const iso = text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new RangeError(`bad timestamp: ${text}`);
  return d.toISOString();
}

/** A timestamptz as either engine returns it (a Date, or text like `2026-11-29 12:55:01+08`). */
export function toInstant(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v : new Date(parseTimestamp(String(v)));
}

/** A date column as `YYYY-MM-DD`, whichever form the engine returns it in. */
export function toDay(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}
