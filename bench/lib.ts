/**
 * Shared parts of the benchmarks: a generated portfolio cached on disk, a fresh database per
 * run (a schema of its own on the server, a folder of its own for the embedded engine), timers
 * and the result log (.bench/results.jsonl).
 */
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { runGenerate } from '../src/adapters/cli/generate.ts';
import { openPlatform, type Platform } from '../src/adapters/platform.ts';

export const BENCH_DIR = resolve('.bench');
export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const AS_OF = '2026-06-30';

export type EngineName = 'postgres' | 'pglite';

/** `--keep`: reuse the database a previous run imported (benchmarks of the cycle only). */
export let keep = false;

export function args(): { accounts: number[]; engines: EngineName[] } {
  const get = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
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
