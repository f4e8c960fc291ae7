/** A PostgreSQL server, through node-postgres with a connection pool. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFromStdin, to as copyToStdout } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
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

const typeParsers: Record<number, (s: string) => unknown> = {
  20: parseBigint, // int8
  1082: (s) => s, // date
  1700: (s) => s, // numeric
  1184: parseTimestamp, // timestamptz
};

const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    typeParsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text'),
};

type Queryable = pg.Pool | pg.PoolClient;

async function runQuery<R>(
  q: Queryable,
  text: string,
  params: unknown[],
  prepare?: string,
): Promise<QueryResult<R>> {
  const r = prepare
    ? await q.query({ name: prepare, text, values: params })
    : await q.query(text, params);
  return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
}

async function runCopy(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<CopyValue[]>,
): Promise<number> {
  const stream = client.query(copyFromStdin(copySql(table, columns, 'STDIN')));
  await pipeline(Readable.from(copyChunks(rows)), stream);
  return Number(stream.rowCount ?? 0);
}

async function runCopyText(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  csv: string,
) {
  const stream = client.query(copyFromStdin(copySql(table, columns, 'STDIN')));
  await pipeline(Readable.from(csv === '' ? [] : [csv]), stream);
  return Number(stream.rowCount ?? 0);
}

async function runCopyOut(client: pg.PoolClient, source: string): Promise<string> {
  const stream = client.query(copyToStdout(copyOutSql(source, 'STDOUT')));
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

class TxConnection implements SqlConnection {
  readonly engine = 'postgres' as const;
  readonly kysely: Kysely<Schema>;
  constructor(private readonly client: pg.PoolClient) {
    this.kysely = new Kysely<Schema>({
      dialect: new PostgresDialect({
        pool: {
          connect: async () => ({
            query: ((...args: unknown[]) =>
              (client.query as (...a: unknown[]) => unknown)(...args)) as pg.PoolClient['query'],
            release: () => {},
          }),
          end: async () => {},
        },
      }),
    });
  }
  query<R>(text: string, params: unknown[] = [], opts?: { prepare?: string }) {
    return runQuery<R>(this.client, text, params, opts?.prepare);
  }
  async exec(text: string): Promise<void> {
    await this.client.query(text);
  }
  copyFrom(table: string, columns: readonly string[], rows: Iterable<CopyValue[]>) {
    return runCopy(this.client, table, columns, rows);
  }
  copyFromText(table: string, columns: readonly string[], csv: string) {
    return runCopyText(this.client, table, columns, csv);
  }
  copyOut(source: string) {
    return runCopyOut(this.client, source);
  }
}

class PostgresDatabase implements Database {
  readonly engine = 'postgres' as const;
  readonly kysely: Kysely<Schema>;
  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {
    this.kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  }

  query<R>(text: string, params: unknown[] = [], opts?: { prepare?: string }) {
    return runQuery<R>(this.pool, text, params, opts?.prepare);
  }

  async exec(text: string): Promise<void> {
    await this.pool.query(text);
  }

  async copyFrom(table: string, columns: readonly string[], rows: Iterable<CopyValue[]>) {
    const client = await this.pool.connect();
    try {
      return await runCopy(client, table, columns, rows);
    } finally {
      client.release();
    }
  }

  private async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  copyFromText(table: string, columns: readonly string[], csv: string) {
    return this.withClient((c) => runCopyText(c, table, columns, csv));
  }

  copyOut(source: string) {
    return this.withClient((c) => runCopyOut(c, source));
  }

  async transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(new TxConnection(client));
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async checkpoint(): Promise<void> {
    // The server manages its own checkpoints.
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connects to the server at `url`; `schema`, when given, becomes the search path. */
export async function openPostgres(url: string, schema?: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    types: pgTypes,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', () => {
    // Idle clients that lose their server are dropped; the next query reconnects.
  });
  // A client checked out of the pool (a transaction between two statements, a COPY) has no
  // listener of the pool's: a server that restarts or ends the connection would otherwise crash
  // the process with an unhandled 'error'. Its pending and next queries fail instead, and the
  // pool drops it when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return new PostgresDatabase(pool, `PostgreSQL (${safe}${schema ? `, schema ${schema}` : ''})`);
}
