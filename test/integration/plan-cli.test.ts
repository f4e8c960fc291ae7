/**
 * Repayment plans as a user runs them from the command line: the what-if, a file of plans
 * refused whole when a row is wrong (the line and field named) and recorded whole when it is
 * right, the list, a supervisor's approval, and the policy.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPlatform } from '../../src/adapters/platform.ts';
import { addDays } from '../../src/domain/time/date.ts';
import { cliHarness } from '../support/cli.ts';
import { ENGINE } from '../support/platform.ts';

const { dataDir, schema, recoup, cleanup } = cliHarness('plancli');
const today = new Date().toISOString().slice(0, 10);
// two days ahead: a start date that is not in the past in any customer's time zone
const start = addDays(today, 2);

afterAll(cleanup);

/** Accounts that owe something and are not in credit, as of the last cycle. */
async function owing(n: number): Promise<string[]> {
  const p = await openPlatform({
    databaseUrl: process.env.DATABASE_URL,
    dataDir,
    timezone: 'UTC',
    schema: process.env.DATABASE_URL ? schema : undefined,
  });
  try {
    const r = await p.db.query<{ ext: string }>(
      `SELECT a.external_id AS ext FROM account_states s JOIN accounts a ON a.id = s.account_id
       WHERE s.outstanding > 10000 AND s.credit = 0 AND a.currency <> 'JPY'
       ORDER BY a.id LIMIT $1`,
      [n],
    );
    return r.rows.map((x) => x.ext);
  } finally {
    await p.close();
  }
}

describe(`plan commands (${ENGINE})`, () => {
  it('previews, imports a file all or none, lists, approves and shows the policy', async () => {
    const gen = join(dataDir, 'gen');
    expect(
      recoup('generate', '--accounts', '200', '--seed', '9', '--as-of', today, '--out', gen).code,
    ).toBe(0);
    expect(recoup('import', gen).code).toBe(0);
    expect(recoup('cycle', '--as-of', today, '--dispatch', 'none').code).toBe(0);
    const [a, b] = (await owing(2)) as [string, string];

    const preview = recoup(
      'plan',
      'preview',
      '--account',
      a,
      '--kind',
      'instalment',
      '--scope',
      'balance',
      '--count',
      '3',
      '--start',
      start,
      '--by',
      'ann',
    );
    expect(preview.code, preview.err).toBe(0);
    expect(preview.out).toMatch(/^instalment: re-schedules [\d.]+ \w{3}, pays [\d.]+ \w{3}/);
    expect(preview.out).toMatch(/within your limits: it would start at once/);

    const file = join(dataDir, 'plans.csv');
    writeFileSync(
      file,
      [
        'account,kind,scope,count,start,discount_percent',
        `${a},instalment,balance,3,${start},`,
        `${b},settlement,,1,soon,20`,
      ].join('\n'),
    );
    const refused = recoup('plan', 'import', file, '--by', 'ann');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/VALIDATION: 1 problems; nothing was recorded/);
    expect(refused.err).toMatch(/line 3: start: is not a date \(YYYY-MM-DD\)/);
    expect(recoup('plan', 'list', '--json').out.trim()).toBe('[]');

    writeFileSync(
      file,
      [
        'account,kind,scope,count,start,discount_percent',
        `${a},instalment,balance,3,${start},`,
        `${b},settlement,,1,${start},20`,
      ].join('\n'),
    );
    const imported = recoup('plan', 'import', file, '--by', 'ann');
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/2 plans proposed from .* \(1 waiting for approval\)/);

    const pending = JSON.parse(recoup('plan', 'list', '--status', 'pending', '--json').out) as {
      id: number;
      account: string;
    }[];
    expect(pending.map((x) => x.account)).toEqual([b]);
    const byCollector = recoup(
      'plan',
      'approve',
      String(pending[0]!.id),
      '--by',
      'bo',
      '--role',
      'collector',
    );
    expect(byCollector.code).toBe(1);
    expect(byCollector.err).toMatch(/FORBIDDEN/);
    const approved = recoup('plan', 'approve', String(pending[0]!.id), '--by', 'sue');
    expect(approved.code, approved.err).toBe(0);
    expect(approved.out).toMatch(/settlement\s+active/);

    const policy = JSON.parse(recoup('plan', 'policy').out) as { graceDays: number };
    expect(policy.graceDays).toBe(5);
  }, 240_000);
});
