/**
 * An import under kill -9, on a PostgreSQL server: (a) `recoup import <folder>` killed with
 * SIGKILL at seeded random points (after a file is read, or while the rows are merged) leaves
 * the database as it was, and a clean run then imports everything; (b) `recoup import --queue`
 * with two `recoup worker` processes, the one importing killed midway: the other takes the job
 * over when its lease runs out and the import is applied exactly once, with its report shown
 * by the waiting command. The seed is printed; RECOUP_IMPORT_FAULT_SEED repeats a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createRandom } from '../../src/domain/portfolio/random.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate, type GenerateResult } from '../../src/adapters/cli/generate.ts';
import { openPlatform, type Platform } from '../../src/adapters/platform.ts';

const URL_ = process.env.DATABASE_URL;
const ACCOUNTS = Number(process.env.RECOUP_IMPORT_FAULT_ACCOUNTS ?? 30_000);
const SEED = Number(process.env.RECOUP_IMPORT_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const KILLS = 3;

/** What an import writes: its five tables, the record of queued imports, the audit log. */
const TABLES = [
  'customers',
  'accounts',
  'instalments',
  'payments',
  'holds',
  'import_runs',
  'audit_log',
];

/** Row count and an md5 of the rows in order, per table. */
async function digest(p: Platform): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const r = await p.db.query<{ n: number; md5: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS md5
       FROM ${t} x`,
    );
    out[t] = `${r.rows[0]!.n}:${r.rows[0]!.md5 ?? '-'}`;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!URL_)('imports under kill -9 (postgres)', () => {
  const schemas = ['direct', 'queued'].map((k) => `imp_${k}_${randomBytes(4).toString('hex')}`);
  const ps: Platform[] = [];
  const children: ChildProcess[] = [];
  let folder: string;
  let generated: GenerateResult;
  let cleanReport = '';

  const recoup = (schema: string, args: string[]) => {
    const c = spawn(process.execPath, ['bin/recoup.mjs', ...args], {
      env: { ...process.env, DATABASE_URL: URL_, RECOUP_SCHEMA: schema, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(c);
    const io = { out: '', err: '' };
    c.stdout!.on('data', (d: Buffer) => (io.out += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (io.err += d.toString()));
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
    return { c, io, exited };
  };

  const count = async (p: Platform, table: string) =>
    Number((await p.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);

  beforeAll(async () => {
    console.log(`import faults: seed ${SEED} (RECOUP_IMPORT_FAULT_SEED), ${ACCOUNTS} accounts`);
    folder = mkdtempSync(join(tmpdir(), 'recoup-import-faults-'));
    generated = await runGenerate({
      accounts: ACCOUNTS,
      seed: 11,
      asOf: '2026-06-30',
      out: folder,
    });
    for (const schema of schemas)
      ps.push(await openPlatform({ databaseUrl: URL_, dataDir: '', timezone: 'UTC', schema }));
  }, 60_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const p of ps) await p.close();
    const c = new pg.Client({ connectionString: URL_ });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await c.end();
  });

  it('leaves nothing of a direct import killed at random points; a clean run then imports all', async () => {
    const p = ps[0]!;
    const seeded = createRandom(SEED);
    const rnd = () => seeded.next();
    const empty = await digest(p);
    for (let k = 0; k < KILLS; k++) {
      // killed after the n-th file is read (the 5th: while the rows are merged), a little later
      const after = 1 + Math.floor(rnd() * 5);
      const delay = Math.floor(rnd() * (after === 5 ? 150 : 400));
      const run = recoup(schemas[0]!, ['import', folder]);
      while ((run.io.err.match(/^import: read /gm)?.length ?? 0) < after) {
        expect(run.c.exitCode).toBeNull();
        await sleep(10);
      }
      await sleep(delay);
      expect(run.io.err).not.toContain('import: imported');
      run.c.kill('SIGKILL');
      await run.exited;
      console.log(`import faults: killed after file ${after} + ${delay} ms`);
      expect(await digest(p)).toEqual(empty);
    }
    const clean = recoup(schemas[0]!, ['import', folder]);
    expect(await clean.exited).toBe(0);
    cleanReport = clean.io.out;
    for (const f of ['customers', 'accounts', 'instalments', 'payments', 'holds'] as const)
      expect(await count(p, f)).toBe(generated.files[f]);
    expect(cleanReport).toContain(`accounts: ${ACCOUNTS} rows, 0 rejected, ${ACCOUNTS} inserted`);
  }, 150_000);

  it('applies a queued import once when the worker importing it is killed midway', async () => {
    const p = ps[1]!;
    const seeded = createRandom(SEED + 1);
    const rnd = () => seeded.next();
    const wait = recoup(schemas[1]!, ['import', folder, '--queue']);
    const workers = [0, 1].map(() => recoup(schemas[1]!, ['worker', '--concurrency', '1']));
    // the worker that claims the job is killed a seeded while after it began
    let holder: (typeof workers)[number] | undefined;
    const t0 = Date.now();
    while (!holder && Date.now() - t0 < 60_000) {
      const r = await p.db.query<{ locked_by: string }>(
        `SELECT locked_by FROM jobs WHERE kind = 'import' AND state = 'running'`,
      );
      const by = r.rows[0]?.locked_by;
      holder = by ? workers.find((w) => by.includes(`:${w.c.pid}:`)) : undefined;
      if (!holder) await sleep(20);
    }
    expect(holder).toBeDefined();
    const delay = 500 + Math.floor(rnd() * 3000);
    await sleep(delay);
    expect(await count(p, 'import_runs')).toBe(0);
    holder!.c.kill('SIGKILL');
    await holder!.exited;
    console.log(`import faults: the importing worker killed ${delay} ms after its claim`);
    expect(await count(p, 'accounts')).toBe(0);

    expect(await wait.exited).toBe(0);
    // the same report as the direct import's, and every row once
    expect(wait.io.out).toBe(cleanReport);
    for (const f of ['customers', 'accounts', 'instalments', 'payments', 'holds'] as const)
      expect(await count(p, f)).toBe(generated.files[f]);
    const jobs = await p.db.query<{ state: string; attempts: number; locked_by: string | null }>(
      `SELECT state, attempts, last_error FROM jobs WHERE kind = 'import'`,
    );
    expect(jobs.rows).toMatchObject([{ state: 'done', attempts: 2 }]);
    expect(await count(p, 'import_runs')).toBe(1);
  }, 240_000);
});
