/**
 * The scheduler's decision in the database: a due day is queued once however many schedulers
 * look at the same moment, missed days are queued from the day after the last cycled one, a day
 * queued whose jobs died stops the scheduler rather than skipping it, and the queued days are
 * cycled by the queue's workers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cycleHandlers, cycleQueued } from '../../src/adapters/cycle-runtime.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { runWorker } from '../../src/adapters/queue/pg-queue.ts';
import { scheduledDays, scheduleTick } from '../../src/adapters/scheduler.ts';
import { createLogger } from '../../src/adapters/log.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import type { PortfolioSchedule } from '../../src/app/cycle/schedule.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

// 02:00 in Shanghai on 2026-06-30 is 18:00Z on the 29th
const SCHEDULE: PortfolioSchedule = {
  zone: 'Asia/Shanghai',
  at: { hour: 2, minute: 0 },
  partitions: 2,
  dispatch: 'none',
};
const log = createLogger('silent');

const prepareJobs = async (p: Platform) =>
  (
    await p.db.query<{ key: string; payload: { asOf: string; to: string; partitions: number } }>(
      `SELECT key, payload FROM jobs WHERE kind = 'cycle.prepare' ORDER BY id`,
    )
  ).rows;

/** Runs the queued cycle's jobs in this process until none is left. */
async function work(p: Platform): Promise<string[]> {
  const stop = new AbortController();
  const days: string[] = [];
  const w = runWorker({
    queue: p.jobs,
    worker: 'w1',
    handlers: cycleHandlers(p, async (d) => void days.push(d)),
    now: () => new Date(),
    pollMs: 20,
    signal: stop.signal,
  });
  const t0 = Date.now();
  while ((await cycleQueued(p)) && Date.now() - t0 < 60_000)
    await new Promise((r) => setTimeout(r, 20));
  stop.abort();
  await w;
  return days;
}

describe(`the cycle's scheduler (${ENGINE})`, () => {
  let p: Platform | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('queues a due day once for schedulers that look at the same moment, and not before', async () => {
    const clock = fixedClock('2026-06-29T17:59:00Z');
    p = await openTestPlatform(clock);
    // a minute before 02:00 the latest due day is the 29th; a portfolio never cycled starts there
    const early = await scheduleTick(p, SCHEDULE, 's0', log);
    expect(early).toEqual({ kind: 'queued', days: ['2026-06-29'] });
    expect(await work(p)).toEqual(['2026-06-29']);
    expect(await scheduleTick(p, SCHEDULE, 's0', log)).toEqual({
      kind: 'waiting',
      next: new Date('2026-06-29T18:00:00Z'),
    });

    clock.set('2026-06-29T18:00:30Z');
    const outcomes = await Promise.all(
      ['s1', 's2', 's3', 's4', 's5'].map((by) => scheduleTick(p!, SCHEDULE, by, log)),
    );
    expect(outcomes.filter((o) => o.kind === 'queued')).toEqual([
      { kind: 'queued', days: ['2026-06-30'] },
    ]);
    expect(outcomes.filter((o) => o.kind === 'busy')).toHaveLength(4);
    const jobs = await prepareJobs(p);
    expect(jobs.map((j) => j.key)).toEqual([
      'cycle.prepare:2026-06-29',
      'cycle.prepare:2026-06-30',
    ]);
    expect(jobs[1]!.payload).toMatchObject({ asOf: '2026-06-30', to: '2026-06-30', partitions: 2 });
    expect((await scheduledDays(p.db)).map((d) => d.asOf)).toEqual(['2026-06-29', '2026-06-30']);

    expect(await work(p)).toEqual(['2026-06-30']);
    expect(await p.cycles.lastCycled()).toBe('2026-06-30');
    expect(await scheduleTick(p, SCHEDULE, 's1', log)).toMatchObject({ kind: 'waiting' });
    expect(await prepareJobs(p)).toHaveLength(2);
  });

  it('catches up the days missed since the last cycled one, in one queued range', async () => {
    const clock = fixedClock('2026-06-26T12:00:00Z');
    p = await openTestPlatform(clock);
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-06-26', to: '2026-06-26' },
    );
    // the scheduler was down from the 27th to the 30th (02:00 has passed on the 30th)
    clock.set('2026-06-29T19:00:00Z');
    expect(await scheduleTick(p, SCHEDULE, 's1', log)).toEqual({
      kind: 'queued',
      days: ['2026-06-27', '2026-06-28', '2026-06-29', '2026-06-30'],
    });
    expect((await prepareJobs(p)).map((j) => j.payload)).toEqual([
      { asOf: '2026-06-27', to: '2026-06-30', partitions: 2, dispatch: 'none' },
    ]);
    expect(await work(p)).toEqual(['2026-06-27', '2026-06-28', '2026-06-29', '2026-06-30']);
    expect(await scheduleTick(p, SCHEDULE, 's1', log)).toMatchObject({ kind: 'waiting' });
  });

  it('stops at a queued day whose jobs died instead of going on past it', async () => {
    const clock = fixedClock('2026-06-29T19:00:00Z');
    p = await openTestPlatform(clock);
    expect(await scheduleTick(p, SCHEDULE, 's1', log)).toMatchObject({ kind: 'queued' });
    await p.db.query(`UPDATE jobs SET state = 'dead' WHERE kind = 'cycle.prepare'`);
    clock.set('2026-07-01T19:00:00Z');
    expect(await scheduleTick(p, SCHEDULE, 's1', log)).toEqual({
      kind: 'stalled',
      day: '2026-06-30',
    });
    expect(await prepareJobs(p)).toHaveLength(1);
    // nothing was prepared yet: the console's latest day is not found
    const app = await buildServer(p, testServer);
    try {
      expect((await app.inject('/api/cycles/latest/status')).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
