/** The embedded engine: PGlite, PostgreSQL compiled to WebAssembly, persisted to a data folder. */
import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type { Schema } from './schema.ts';
import {
  copyChunks,
  copyOutSql,
  copySql,
  parseBigint,
  parseTimestamp,
  type CopyValue,
  type Database,
  type QueryResult,
  type SqlConnection,
} from './sql-client.ts';

const parsers = {
  [types.INT8]: parseBigint,
  [types.DATE]: (s: string) => s,
  [types.NUMERIC]: (s: string) => s,
  [types.TIMESTAMPTZ]: parseTimestamp,
};

/** PGlite has one connection: a FIFO lock hands it to one user at a time. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

function commandOf(sql: string): 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE' | 'SELECT' {
  const m = /^\s*(insert|update|delete|merge)\b/i.exec(sql);
  return m ? (m[1]!.toUpperCase() as 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE') : 'SELECT';
}

class PgliteConnection implements SqlConnection {
  readonly engine = 'pglite' as const;
  readonly kysely: Kysely<Schema>;

  constructor(
    protected readonly pg: PGlite,
    pool: PostgresPool,
  ) {
    this.kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  }

  async query<R>(text: string, params: unknown[] = []): Promise<QueryResult<R>> {
    const r = await this.pg.query<R>(text, params);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }

  async exec(text: string): Promise<void> {
    await this.pg.exec(text);
  }

  copyFrom(table: string, columns: readonly string[], rows: Iterable<CopyValue[]>) {
    return copyText(this.pg, table, columns, [...copyChunks(rows)]);
  }

  copyFromText(table: string, columns: readonly string[], csv: string) {
    return copyText(this.pg, table, columns, csv === '' ? [] : [csv]);
  }

  async copyOut(source: string): Promise<string> {
    const r = await this.pg.query(copyOutSql(source, "'/dev/blob'"));
    return r.blob ? await r.blob.text() : '';
  }
}

async function copyText(pg: PGlite, table: string, columns: readonly string[], parts: string[]) {
  if (parts.length === 0) return 0;
  const r = await pg.query(copySql(table, columns, "'/dev/blob'"), [], { blob: new Blob(parts) });
  return r.affectedRows ?? 0;
}

function clientOf(pg: PGlite, release: () => void): PostgresPoolClient {
  return {
    query: (async (sql: string, params: readonly unknown[]) => {
      const r = await pg.query(sql, [...params]);
      return { command: commandOf(sql), rowCount: r.affectedRows ?? 0, rows: r.rows };
    }) as PostgresPoolClient['query'],
    release,
  };
}

class PgliteDatabase extends PgliteConnection implements Database {
  constructor(
    pg: PGlite,
    private readonly lock: Lock,
    readonly location: string,
  ) {
    super(pg, {
      connect: async () => clientOf(pg, await lock.acquire()),
      end: async () => {},
    });
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.lock.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  override query<R>(text: string, params: unknown[] = []) {
    return this.locked(() => super.query<R>(text, params));
  }

  override exec(text: string) {
    return this.locked(() => super.exec(text));
  }

  override copyFromText(table: string, columns: readonly string[], csv: string) {
    return this.locked(() => super.copyFromText(table, columns, csv));
  }

  override copyOut(source: string) {
    return this.locked(() => super.copyOut(source));
  }

  override copyFrom(table: string, columns: readonly string[], rows: Iterable<CopyValue[]>) {
    return this.locked(() => super.copyFrom(table, columns, rows));
  }

  transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
    return this.locked(async () => {
      // Inside the transaction the lock is held: the bound connection must not take it again.
      const tx = new PgliteConnection(this.pg, {
        connect: async () => clientOf(this.pg, () => {}),
        end: async () => {},
      });
      await this.pg.exec('BEGIN');
      try {
        const out = await fn(tx);
        await this.pg.exec('COMMIT');
        return out;
      } catch (e) {
        await this.pg.exec('ROLLBACK');
        throw e;
      }
    });
  }

  checkpoint(): Promise<void> {
    return this.locked(async () => {
      await this.pg.exec('CHECKPOINT');
    });
  }

  async close(): Promise<void> {
    await this.locked(() => this.pg.close());
  }
}

/** Opens (creating if needed) the embedded database in `dataDir`, or in memory when undefined. */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ? { dataDir, parsers } : { parsers });
  return new PgliteDatabase(
    pg,
    new Lock(),
    dataDir ? `embedded (${dataDir})` : 'embedded (memory)',
  );
}
