/**
 * The dispatch commands as a user runs them: a simulated recent history, the day's status, the
 * worker sending today's due messages through the sandbox, field routes, the calendar, the
 * compliance report and the audit.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/time/date.ts';
import { ENGINE } from '../support/platform.ts';
import { cliHarness } from '../support/cli.ts';

const { dataDir, recoup, cleanup } = cliHarness('dcli');
const today = new Date().toISOString().slice(0, 10);

afterAll(cleanup);

describe(`dispatch commands (${ENGINE})`, () => {
  it('simulates recent days, reports them, and audits every contact', () => {
    const out = join(dataDir, 'gen');
    expect(
      recoup('generate', '--accounts', '400', '--seed', '9', '--as-of', today, '--out', out).code,
    ).toBe(0);
    expect(recoup('import', out).code).toBe(0);
    const pub = recoup(
      'strategy',
      'publish',
      'strategies/default.yaml',
      '--by',
      'mia',
      '--reason',
      'test',
      '--effective',
      addDays(today, -10),
    );
    expect(pub.code, pub.err).toBe(0);
    const cyc = recoup(
      'cycle',
      '--from',
      addDays(today, -10),
      '--to',
      addDays(today, -1),
      '--dispatch',
      'simulate',
    );
    expect(cyc.code, cyc.err).toBe(0);
    const st = recoup('dispatch', 'status', '--date', addDays(today, -1));
    expect(st.code, st.err).toBe(0);
    const status = JSON.parse(st.out) as { dispatches: Record<string, Record<string, number>> };
    expect(
      Object.values(status.dispatches).some((s) => (s.sent ?? 0) + (s.delivered ?? 0) > 0),
    ).toBe(true);
    const rep = recoup(
      'compliance',
      'report',
      '--from',
      addDays(today, -10),
      '--to',
      addDays(today, -1),
    );
    expect(rep.code, rep.err).toBe(0);
    expect(JSON.parse(rep.out).decisions.allowed).toBeGreaterThan(0);
    const audit = recoup(
      'compliance',
      'audit',
      '--from',
      addDays(today, -10),
      '--to',
      addDays(today, -1),
    );
    expect(audit.code, audit.out).toBe(0);
    expect(JSON.parse(audit.out)).toMatchObject({ violationCount: 0 });
    // ten days generated, imported, cycled and worked through the sandbox, each command a process
  }, 240_000);

  it('the worker sends what is due today and stops when idle', () => {
    expect(recoup('cycle', '--as-of', today).code).toBe(0);
    const w = recoup('worker', '--exit-when-idle');
    expect(w.code, w.err).toBe(0);
    // its log: JSON lines on standard output
    const lines = w.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      component: 'worker',
      msg: 'worker stopped',
    });
  });

  it('plans the field team’s day', () => {
    const r = recoup('field', 'plan', '--date', addDays(today, -1));
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toHaveProperty('unassigned');
  });

  it('keeps the calendar of holidays and quiet days', () => {
    const add = recoup(
      'compliance',
      'calendar',
      'add',
      '--jurisdiction',
      'cn',
      '--day',
      '2027-03-08',
      '--kind',
      'quiet',
      '--name',
      'a quiet day',
    );
    expect(add.code, add.err).toBe(0);
    const list = JSON.parse(
      recoup('compliance', 'calendar', 'list', '--jurisdiction', 'CN').out,
    ) as { day: string; kind: string }[];
    expect(list).toContainEqual(expect.objectContaining({ day: '2027-03-08', kind: 'quiet' }));
    expect(
      recoup(
        'compliance',
        'calendar',
        'add',
        '--jurisdiction',
        'CN',
        '--day',
        '2027-03-09',
        '--kind',
        'party',
        '--name',
        'x',
      ).code,
    ).toBe(1);
    expect(
      recoup('compliance', 'calendar', 'remove', '--jurisdiction', 'CN', '--day', '2027-03-08')
        .code,
    ).toBe(0);
    expect(
      recoup('compliance', 'calendar', 'remove', '--jurisdiction', 'CN', '--day', '2027-03-08')
        .code,
    ).toBe(1);
  }, 120_000);
});
