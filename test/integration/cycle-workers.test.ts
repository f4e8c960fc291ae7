/**
 * On a PostgreSQL server: `recoup worker` processes share a queued cycle's partitions, and one
 * killed with SIGKILL in the middle of a partition leaves the same end as an uninterrupted run
 * (its transaction is rolled back, its lease runs out, another worker does the partition again).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycleQueued, enqueueCycle } from '../../src/adapters/cycle-runtime.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { digests } from '../support/cycle-digest.ts';
import { cycleInProcess, importedPortfolios } from '../support/cycle-portfolios.ts';

const URL = process.env.DATABASE_URL;
const AS_OF = '2026-06-30';
const FROM = '2026-06-25';

describe.skipIf(!URL)('cycle workers in processes of their own (postgres)', () => {
  const schemas = ['queued', 'direct'].map((k) => `test_${k}_${randomBytes(4).toString('hex')}`);
  const ps: Platform[] = [];
  const children: ChildProcess[] = [];

  const worker = (schema: string) => {
    const c = spawn(process.execPath, ['bin/recoup.mjs', 'worker', '--concurrency', '1'], {
      env: { ...process.env, RECOUP_SCHEMA: schema, LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    children.push(c);
    return c;
  };

  beforeAll(async () => {
    ps.push(
      ...(await importedPortfolios(URL!, schemas, { accounts: 4000, seed: 23, asOf: AS_OF })),
    );
  }, 180_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const p of ps) await p.close();
    const c = new pg.Client({ connectionString: URL });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await c.end();
  });

  it('shares the partitions of each day, survives a worker killed midway, and ends the same', async () => {
    const [queued, direct] = ps as [Platform, Platform];
    await enqueueCycle(queued, { from: FROM, to: AS_OF }, 4, 'none');
    const doomed = worker(schemas[0]!);
    worker(schemas[0]!);
    // the first worker is killed while it holds a partition of a day
    const t0 = Date.now();
    let killedIn: { asOf: string; part: number } | null = null;
    while (!killedIn && Date.now() - t0 < 60_000) {
      const s = await queued.cycles.status();
      const mine = s?.parts.find(
        (x) => x.state === 'running' && x.worker?.includes(`:${doomed.pid}:`),
      );
      if (s && mine) {
        doomed.kill('SIGKILL');
        killedIn = { asOf: s.asOf, part: mine.part };
      } else await new Promise((r) => setTimeout(r, 20));
    }
    expect(killedIn).not.toBeNull();
    // a worker started in its place; the lease of the killed one runs out and is taken over
    worker(schemas[0]!);
    while ((await cycleQueued(queued)) && Date.now() - t0 < 150_000)
      await new Promise((r) => setTimeout(r, 200));
    expect(await cycleQueued(queued)).toBe(false);
    expect(await queued.cycles.lastCycled()).toBe(AS_OF);
    const redone = await queued.cycles.status(killedIn!.asOf);
    expect(redone!.parts[killedIn!.part - 1]).toMatchObject({ state: 'done' });
    expect(redone!.parts[killedIn!.part - 1]!.worker).not.toContain(`:${doomed.pid}:`);
    // more than one process did the days' partitions
    const workers = new Set<string>();
    const days = await queued.db.query<{ worker: string }>(
      'SELECT DISTINCT worker FROM cycle_partitions',
    );
    for (const r of days.rows) workers.add(r.worker);
    expect(workers.size).toBeGreaterThanOrEqual(2);

    // the same days in one process, in one partition each
    await cycleInProcess(direct, { from: FROM, to: AS_OF }, AS_OF);
    expect(await digests(queued)).toEqual(await digests(direct));
  }, 240_000);
});
