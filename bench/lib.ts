/**
 * Shared parts of the benchmarks: a generated portfolio cached on disk, a fresh database per
 * run (a schema of its own on the server, a folder of its own for the embedded engine), timers
 * and the result log (.bench/results.jsonl).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { runGenerate } from '../src/adapters/cli/generate.ts';
import { readFileSync } from 'node:fs';
import { importFolder } from '../src/adapters/cli/commands.ts';
import { Progress } from '../src/adapters/cli/progress.ts';
import { openPlatform, workspaceDeps, type Platform } from '../src/adapters/platform.ts';
import { prepareDay } from '../src/app/dispatch/dispatcher.ts';
import type { LocalDate } from '../src/domain/time/date.ts';
import { runCycles } from '../src/app/cycle/run-cycle.ts';
import { publishSource } from '../src/app/strategy/strategies.ts';
import type { Collector } from '../src/app/workspace/ports.ts';
import { addDays } from '../src/domain/time/date.ts';

export const BENCH_DIR = resolve('.bench');
export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const AS_OF = '2026-06-30';

export type EngineName = 'postgres' | 'pglite';

/** `--keep`: reuse the database a previous run imported (benchmarks of the cycle only). */
export let keep = false;

/** The value after `--name` on the command line. */
export const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

export function args(): { accounts: number[]; engines: EngineName[] } {
  const get = option;
  keep = process.argv.includes('--keep');
  const accounts = (get('accounts') ?? '100000')
    .split(',')
    .map((s) => Number(s.replaceAll('_', '')));
  const engines = (get('engine') ?? 'postgres').split(',') as EngineName[];
  for (const n of accounts)
    if (!Number.isInteger(n) || n <= 0) throw new Error(`bad --accounts ${n}`);
  for (const e of engines)
    if (e !== 'postgres' && e !== 'pglite') throw new Error(`bad --engine ${e}`);
  return { accounts, engines };
}

export async function portfolioFolder(accounts: number): Promise<string> {
  const dir = join(BENCH_DIR, `portfolio-${accounts}`);
  if (!existsSync(join(dir, 'holds.csv'))) {
    process.stderr.write(`generating ${accounts} accounts into ${dir}\n`);
    await runGenerate({ accounts, seed: 2026, asOf: AS_OF, out: dir });
  }
  return dir;
}

/** A new, empty, migrated database for one benchmark run (or the last one's, with `keep`). */
export async function freshPlatform(
  engine: EngineName,
  name: string,
  keep = false,
): Promise<Platform> {
  if (engine === 'postgres' && keep) {
    return openPlatform({ databaseUrl: PG_URL, dataDir: '', timezone: 'UTC', schema: name });
  }
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await c.end();
    return openPlatform({ databaseUrl: PG_URL, dataDir: '', timezone: 'UTC', schema: name });
  }
  const dir = join(BENCH_DIR, name);
  if (!keep) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return openPlatform({ databaseUrl: undefined, dataDir: dir, timezone: 'UTC' });
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
}

export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

export function record(result: Record<string, unknown>): void {
  mkdirSync(BENCH_DIR, { recursive: true });
  const line = { at: new Date().toISOString(), ...machine(), ...result };
  appendFileSync(join(BENCH_DIR, 'results.jsonl'), JSON.stringify(line) + '\n');
  process.stdout.write(JSON.stringify(line, null, 2) + '\n');
}

export const s = (x: number) => Number(x.toFixed(2));

/** A benchmark collector's session: tokens known to the bench client and its server. */
export const benchSession = (collector: string) => ({
  token: `bench-session-${collector}-0000000000000000000000`,
  csrf: `bench-csrf-${collector}`,
});

/**
 * The portfolio of `n` accounts imported into the platform (unless it already holds them), the
 * default strategy published and a first day, the day before AS_OF, cycled: the starting point
 * of bench:scale and bench:load, kept in their schema between runs with `--keep`.
 */
export async function cycledPortfolio(p: Platform, n: number, partitions: number): Promise<void> {
  const count = await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
  if (count.rows[0]?.n !== n) {
    const folder = await portfolioFolder(n);
    const [report, secs] = await timed(() => importFolder(p, folder, { progress: new Progress() }));
    if (report.status !== 'imported') throw new Error(`import ${report.status}`);
    process.stderr.write(`imported ${n} accounts in ${s(secs)} s\n`);
    await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
      by: 'bench',
      reason: 'benchmark',
      effectiveFrom: '2000-01-01',
    });
    await analyzeSchema(p);
  }
  if ((await p.cycles.lastCycled()) === null) {
    const day1 = addDays(AS_OF, -1);
    const deps = {
      cycles: p.cycles,
      policies: p.policies,
      clock: { now: () => new Date() },
      planner: p.planner,
      partitions,
    };
    const [, secs] = await timed(() => runCycles(deps, { from: day1, to: day1 }));
    process.stderr.write(`first day ${day1} cycled in process in ${s(secs)} s\n`);
    await analyzeSchema(p);
  }
}

/** A `recoup worker` process on the server's schema (cycle and dispatch jobs). */
export function spawnWorker(schema: string): ChildProcess {
  return spawn(process.execPath, ['bin/recoup.mjs', 'worker', '--concurrency', '1'], {
    env: { ...process.env, DATABASE_URL: PG_URL, RECOUP_SCHEMA: schema, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * `count` collectors (`collector-1`…) in an English and a Chinese desk, three in five English,
 * each taking any queue: the desks of bench:workspace and bench:load.
 */
export async function saveBenchDesks(p: Platform, count: number): Promise<void> {
  const team: Collector[] = Array.from({ length: count }, (_, i) => ({
    id: `collector-${i + 1}`,
    name: `Collector ${i + 1}`,
    team: i % 5 < 3 ? 'desk-en' : 'desk-zh',
    queues: ['*'],
    languages: i % 5 < 3 ? ['en'] : ['zh', 'en'],
    buckets: [],
    skills: [],
    territory: null,
    capacity: 40,
    active: true,
  }));
  await p.workspace.saveTeams([
    { id: 'desk-en', name: 'English desk', supervisor: null },
    { id: 'desk-zh', name: 'Chinese desk', supervisor: null },
  ]);
  await p.workspace.saveCollectors(team);
}

/** The day's dispatch prepared and its calls made into tasks in the desks' queues. */
export function prepareBenchDay(p: Platform, day: LocalDate, now: Date) {
  return prepareDay(
    {
      store: p.dispatch,
      queue: p.jobs,
      providers: {},
      settings: { companyName: 'Bench Lender', publicUrl: 'http://localhost' },
      actor: 'bench',
      workspace: workspaceDeps(p, 'Bench Lender'),
    },
    day,
    now,
  );
}

/**
 * Fresh statistics for the bench schema's own tables. A bare ANALYZE would also analyze every
 * other schema of the database, among them tables that another import is filling in a
 * transaction not yet committed: they would be recorded as empty and its queries planned so.
 */
async function analyzeSchema(p: Platform): Promise<void> {
  const tables = await p.db.query<{ t: string }>(
    `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS t
     FROM pg_tables WHERE schemaname = current_schema()`,
  );
  for (const { t } of tables.rows) await p.db.exec(`ANALYZE ${t}`);
}
