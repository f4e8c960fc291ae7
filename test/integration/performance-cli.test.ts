/**
 * Performance, incentives and training as a user runs them from the command line, over the
 * demo desk's seeded setup (seeded twice: nothing added the second time): the assessment
 * table, a statement and its CSV, targets, the training status with the expired collector
 * taking no calls, and its renewal (written to the audit log).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/adapters/platform.ts';
import { seedDemoPerformance } from '../../src/adapters/cli/demo-performance.ts';
import { DEMO_COLLECTORS, DEMO_TEAMS } from '../../src/app/dispatch/simulated-desk.ts';
import { periodOf, shiftPeriod } from '../../src/domain/performance/period.ts';
import { cliHarness } from '../support/cli.ts';
import { ENGINE } from '../support/platform.ts';

const { recoup, cleanup, open } = cliHarness('perfcli');

afterAll(cleanup);

async function withPlatform<T>(fn: (p: Platform) => Promise<T>): Promise<T> {
  const p = await open();
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

const COUNTS = `SELECT (SELECT count(*) FROM performance_targets)::int AS targets,
  (SELECT count(*) FROM training_courses)::int AS courses,
  (SELECT count(*) FROM training_completions)::int AS completions,
  (SELECT count(*) FROM complaints)::int AS complaints`;

describe(`performance, incentives and training commands (${ENGINE})`, () => {
  it('seeds the demo desk once, and shows, exports and renews from the command line', async () => {
    const { today, counts } = await withPlatform(async (p) => {
      await p.workspace.saveTeams(DEMO_TEAMS);
      await p.workspace.saveCollectors(DEMO_COLLECTORS);
      await seedDemoPerformance(p);
      const first = (await p.db.query(COUNTS)).rows[0];
      await seedDemoPerformance(p);
      expect((await p.db.query(COUNTS)).rows[0]).toEqual(first);
      return { today: p.today(), counts: first };
    });
    // 5 collectors and 2 teams, this month and last; 3 courses; 12 completions; 2 complaints
    expect(counts).toEqual({ targets: 14, courses: 3, completions: 12, complaints: 2 });
    const period = periodOf(today);
    const previous = shiftPeriod(period, -1);

    const status = recoup('training', 'status', '--day', today);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/collector-1\s+may take calls/);
    expect(status.out).toMatch(
      /collector-3\s+NO CALLS: compliance course collections-compliance expired on \d{4}-\d{2}-\d{2}/,
    );
    expect(status.out).toMatch(/collector-2\s+may take calls/);

    const show = recoup('performance', 'show', '--period', previous);
    expect(show.code).toBe(0);
    expect(show.out.split('\n')[1]).toMatch(/^rank collector/);
    expect(show.out).toMatch(/collector-1/);
    expect(show.out).toMatch(/teams\n/);

    const csv = recoup(
      'incentives',
      'statement',
      '--collector',
      'collector-2',
      '--period',
      previous,
      '--csv',
    );
    expect(csv.code).toBe(0);
    expect(csv.out.split('\n')[0]).toBe(
      'collector,period,currency,kind,bucket,tier,base,rate_bp,amount,reason',
    );
    // nothing collected and no grade: the breach has nothing to be deducted from
    expect(csv.out).toMatch(/collector-2,.*,USD,deduction,,,50\.00,,0\.00,compliance breach/);

    const targets = recoup('performance', 'targets', '--period', period);
    expect(JSON.parse(targets.out)).toMatchObject({
      period,
      collectors: { 'collector-1': { collected: 1_000_000 } },
      teams: { 'desk-en': { collected: 2_400_000 } },
    });

    const bad = recoup(
      'training',
      'complete',
      '--collector',
      'collector-3',
      '--course',
      'nope',
      '--on',
      today,
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/NOT_FOUND: course nope not found/);
    const renew = recoup(
      'training',
      'complete',
      '--collector',
      'collector-3',
      '--course',
      'collections-compliance',
      '--on',
      today,
    );
    expect(renew.code).toBe(0);
    expect(recoup('training', 'status', '--day', today, '--collector', 'collector-3').out).toMatch(
      /collector-3\s+may take calls/,
    );
    const audit = await withPlatform(
      async (p) =>
        (
          await p.db.query<{ action: string }>(
            `SELECT action FROM audit_log WHERE action LIKE 'cli recoup training%' ORDER BY seq`,
          )
        ).rows,
    );
    expect(audit.map((r) => r.action)).toEqual(['cli recoup training complete']);
  }, 240_000);
});
