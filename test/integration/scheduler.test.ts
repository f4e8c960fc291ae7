/**
 * On a PostgreSQL server: three `recoup scheduler` processes against one portfolio at a moment
 * its day is due queue the day once (one preparation job, one schedule row), a `recoup worker`
 * cycles it, the schedulers stop cleanly on SIGTERM; a scheduler started again three days later
 * catches up the days it missed; one whose database connections are ended queues the next day
 * when its time comes. The processes' clock is RECOUP_CLOCK.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { openPlatform, type Platform } from '../../src/adapters/platform.ts';
import { scheduledDays } from '../../src/adapters/scheduler.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { fixedClock } from '../support/platform.ts';

const URL = process.env.DATABASE_URL;
const AS_OF = '2026-06-30';

interface Child {
  process: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

describe.skipIf(!URL)('recoup scheduler processes (postgres)', () => {
  const schema = `test_sched_${randomBytes(4).toString('hex')}`;
  const children: Child[] = [];
  let p: Platform;

  const start = (args: string[], env: Record<string, string> = {}): Child => {
    const c = spawn(process.execPath, ['bin/recoup.mjs', ...args], {
      env: {
        ...process.env,
        RECOUP_SCHEMA: schema,
        RECOUP_TIMEZONE: 'Asia/Shanghai',
        RECOUP_CYCLE_AT: '02:00',
        RECOUP_CYCLE_PARTITIONS: '2',
        RECOUP_CYCLE_DISPATCH: 'none',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const child: Child = {
      process: c,
      lines: [],
      exited: new Promise((r) => c.once('exit', (code) => r(code))),
    };
    let rest = '';
    c.stdout!.on('data', (b: Buffer) => {
      const parts = (rest + b.toString()).split('\n');
      rest = parts.pop()!;
      for (const l of parts)
        if (l.startsWith('{')) child.lines.push(JSON.parse(l) as Record<string, unknown>);
    });
    children.push(child);
    return child;
  };
  const scheduler = (clock: string) =>
    start(['scheduler', '--every', '0.3'], { RECOUP_CLOCK: clock });
  const until = async (what: () => Promise<boolean>, ms: number) => {
    const t0 = Date.now();
    while (!(await what()) && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 100));
    return what();
  };
  const prepareJobs = async () =>
    (
      await p.db.query<{ key: string; payload: Record<string, unknown> }>(
        `SELECT key, payload FROM jobs WHERE kind = 'cycle.prepare' ORDER BY id`,
      )
    ).rows;
  const stopped = async (cs: Child[]) => {
    for (const c of cs) c.process.kill('SIGTERM');
    return Promise.all(cs.map((c) => c.exited));
  };
  const said = (cs: Child[], msg: string) =>
    cs.flatMap((c) => c.lines).filter((l) => l.msg === msg && l.component === 'scheduler');

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-scheduler-'));
    await runGenerate({ accounts: 300, seed: 29, asOf: AS_OF, out: dir });
    p = await openPlatform(
      { databaseUrl: URL, dataDir: '', timezone: 'Asia/Shanghai', schema },
      fixedClock(`${AS_OF}T00:00:00Z`),
    );
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    await p?.close();
    const c = new pg.Client({ connectionString: URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });

  it('queues a due day once across three schedulers, and a worker cycles it', async () => {
    // 30 seconds after 02:00 in Shanghai on the 30th
    const three = [1, 2, 3].map(() => scheduler(`${AS_OF}T02:00:30+08:00`));
    expect(await until(async () => said(three, 'scheduler started').length === 3, 60_000)).toBe(
      true,
    );
    expect(await until(async () => (await prepareJobs()).length > 0, 30_000)).toBe(true);
    // every scheduler looks several times more (ticks of 0.3 s) while the day waits queued
    await new Promise((r) => setTimeout(r, 2000));
    expect((await prepareJobs()).map((j) => j.key)).toEqual([`cycle.prepare:${AS_OF}`]);
    const days = await scheduledDays(p.db);
    expect(days.map((d) => d.asOf)).toEqual([AS_OF]);
    expect(said(three, 'day queued for the cycle')).toHaveLength(1);
    expect(three.map((c) => `${c.process.pid}`)).toContain(days[0]!.queuedBy.split(':').pop());

    const worker = start(['worker', '--concurrency', '2', '--exit-when-idle']);
    expect(await until(async () => (await p.cycles.lastCycled()) === AS_OF, 90_000)).toBe(true);
    expect(await p.cycles.status(AS_OF)).toMatchObject({ state: 'done', partitions: 2, done: 2 });
    expect(await worker.exited).toBe(0);
    // once cycled, the day is not queued again
    await new Promise((r) => setTimeout(r, 1000));
    expect(await prepareJobs()).toHaveLength(1);
    expect(await stopped(three)).toEqual([0, 0, 0]);
    expect(said(three, 'scheduler stopped')).toHaveLength(3);
  }, 240_000);

  it('catches up the days missed while no scheduler ran', async () => {
    // three days later, at 02:10 in Shanghai: the 1st, 2nd and 3rd of July are due
    const two = [1, 2].map(() => scheduler('2026-07-03T02:10:00+08:00'));
    expect(await until(async () => (await scheduledDays(p.db)).length === 4, 60_000)).toBe(true);
    const jobs = await prepareJobs();
    expect(jobs).toHaveLength(2);
    expect(jobs[1]!.payload).toMatchObject({ asOf: '2026-07-01', to: '2026-07-03', partitions: 2 });
    const worker = start(['worker', '--concurrency', '2', '--exit-when-idle']);
    expect(await until(async () => (await p.cycles.lastCycled()) === '2026-07-03', 120_000)).toBe(
      true,
    );
    expect(await worker.exited).toBe(0);
    expect(said(two, 'missed days queued for the cycle')).toHaveLength(1);
    expect(await stopped(two)).toEqual([0, 0]);
  }, 240_000);

  it('queues the next day when its time comes, after losing its database connections', async () => {
    // four seconds before 02:00 on the 4th: nothing is due yet
    const name = `recoup-scheduler-${schema}`;
    const one = start(['scheduler', '--every', '0.3'], {
      RECOUP_CLOCK: '2026-07-04T01:59:56+08:00',
      DATABASE_URL: `${URL}${URL!.includes('?') ? '&' : '?'}application_name=${name}`,
    });
    expect(
      await until(async () => said([one], 'waiting for the next day').length > 0, 60_000),
    ).toBe(true);
    // the server ends the scheduler's connections (named by their application_name)
    const killed = await p.db.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE application_name = $1`,
      [name],
    );
    expect(killed.rows[0]!.n).toBeGreaterThan(0);
    expect(await until(async () => (await scheduledDays(p.db)).length === 5, 30_000)).toBe(true);
    expect((await scheduledDays(p.db)).at(-1)!.asOf).toBe('2026-07-04');
    expect(one.process.exitCode).toBeNull();
    expect(await stopped([one])).toEqual([0]);
  }, 120_000);
});
