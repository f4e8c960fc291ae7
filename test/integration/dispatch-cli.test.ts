/**
 * The dispatch commands as a user runs them: a simulated recent history, the day's status, the
 * worker sending today's due messages through the sandbox, field routes, the calendar, the
 * compliance report and the audit.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/time/date.ts';
import { ENGINE } from '../support/platform.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'recoup-dcli-'));
const schema = `dcli_${randomBytes(5).toString('hex')}`;
const env = {
  ...process.env,
  RECOUP_DATA_DIR: dataDir,
  ...(process.env.DATABASE_URL ? { RECOUP_SCHEMA: schema } : {}),
};
const today = new Date().toISOString().slice(0, 10);

function recoup(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/recoup.mjs', ...args], {
    env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

afterAll(async () => {
  if (!process.env.DATABASE_URL) return;
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
});

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
  });

  it('the worker sends what is due today and stops when idle', () => {
    expect(recoup('cycle', '--as-of', today).code).toBe(0);
    const w = recoup('worker', '--exit-when-idle');
    expect(w.code, w.err).toBe(0);
    expect(w.err).toMatch(/worker .+: stopped/);
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
  });
});
