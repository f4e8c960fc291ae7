/** The `recoup` command as a user runs it: exit codes, reports and output formats. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE } from '../support/platform.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'recoup-cli-'));
const schema = `cli_${randomBytes(5).toString('hex')}`;
const env = {
  ...process.env,
  RECOUP_DATA_DIR: dataDir,
  ...(process.env.DATABASE_URL ? { RECOUP_SCHEMA: schema } : {}),
};

function recoup(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/recoup.mjs', ...args], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
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

describe(`recoup CLI (${ENGINE})`, () => {
  it('prints help', () => {
    const r = recoup('--help');
    expect(r.code).toBe(0);
    for (const cmd of ['migrate', 'import', 'export', 'generate', 'cycle', 'serve', 'start']) {
      expect(r.out).toContain(cmd);
    }
  });

  it('migrates, generates, imports, cycles and exports', () => {
    expect(recoup('migrate').code).toBe(0);
    const out = join(dataDir, 'gen');
    expect(
      recoup('generate', '--accounts', '300', '--seed', '5', '--as-of', '2026-05-31', '--out', out)
        .code,
    ).toBe(0);
    const imp = recoup('import', out);
    expect(imp.code, imp.err).toBe(0);
    expect(imp.out).toMatch(/accounts: 300 rows, 0 rejected, 300 inserted/);
    const again = recoup('import', out);
    expect(again.out).toMatch(
      /accounts: 300 rows, 0 rejected, 0 inserted, 0 updated, 300 unchanged/,
    );
    const cyc = recoup('cycle', '--from', '2026-05-29', '--to', '2026-05-31');
    expect(cyc.code, cyc.err).toBe(0);
    const csvOut = recoup('export', 'accounts', '--as-of', '2026-05-31', '--format', 'csv');
    expect(csvOut.code).toBe(0);
    const lines = csvOut.out.trim().split('\n');
    expect(lines[0]).toBe(
      'account_id,customer_id,currency,outstanding,arrears,past_due_days,delinquent_days,bucket,next_due_date,' +
        'ageing_current,ageing_M1,ageing_M2,ageing_M3,ageing_M4,ageing_M5,ageing_M6,ageing_M7+',
    );
    expect(lines).toHaveLength(301);
    const file = join(dataDir, 'states.json');
    expect(
      recoup('export', 'accounts', '--as-of', '2026-05-31', '--format', 'json', '--out', file).code,
    ).toBe(0);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { account_id: string; bucket: string }[];
    expect(json).toHaveLength(300);
    // The CSV and the JSON say the same.
    expect(lines[1]!.split(',')[7]).toBe(json[0]!.bucket);
  });

  it('rejects a bad import with exit code 1 and names each bad row', () => {
    const folder = folderWith({
      'payments.csv': csv(
        'payment_id,account_id,paid_on,amount',
        'X1,A00000001,2026-05-01,-3',
        'X2,NOPE,2026-05-01,3',
      ),
    });
    const r = recoup('import', folder);
    expect(r.code).toBe(1);
    expect(r.out).toContain('payments.csv:2:amount: must be greater than zero');
    expect(r.out).toContain('payments.csv:3:account_id: unknown account "NOPE"');
    expect(r.out).toContain('nothing was written');
    const skip = recoup('import', folder, '--skip-bad');
    expect(skip.code).toBe(2);
  });

  it('validates, publishes, lists, diffs and draws strategies', () => {
    expect(recoup('strategy', 'validate', 'strategies/default.yaml').out).toMatch(
      /valid \(7 segments/,
    );
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync('strategies/default.yaml', 'utf8').replace('channel: agency', 'channel: fax'),
    );
    const invalid = recoup('strategy', 'validate', bad);
    expect(invalid.code).toBe(1);
    expect(invalid.out).toMatch(/segments\[5\]\.steps\[0\]\.channel: unknown channel "fax"/);
    const pub = recoup(
      'strategy',
      'publish',
      'strategies/default.yaml',
      '--by',
      'Mia',
      '--reason',
      'launch',
      '--effective',
      '2026-05-01',
    );
    expect(pub.code, pub.err).toBe(0);
    expect(pub.out).toMatch(/default v1 .*published, effective 2026-05-01.* by Mia: launch/);
    expect(
      recoup(
        'strategy',
        'publish',
        '--strategy',
        'default',
        '--version',
        '1',
        '--by',
        'Mia',
        '--reason',
        'again',
      ).out,
    ).toMatch(/default v2/);
    expect(recoup('strategy', 'list').out).toMatch(/default v2/);
    expect(recoup('strategy', 'diff', 'default', '1', '2').out.trim()).toBe('no differences');
    expect(recoup('strategy', 'diagram', 'default', '2').out).toMatch(/^flowchart TD/);
    expect(recoup('strategy', 'publish', bad, '--by', 'Mia', '--reason', 'x').code).toBe(1);
  });

  it('simulates two strategies side by side', () => {
    const r = recoup(
      'simulate',
      '--strategy',
      'strategies/default.yaml',
      '--vs',
      'default:1',
      '--accounts',
      '300',
      '--days',
      '20',
      '--seed',
      '3',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^300 accounts, 20 days from 2026-01-01, seed 3/);
    expect(r.out).toMatch(/cure rate .*\|/);
    const json = JSON.parse(
      recoup(
        'simulate',
        '--strategy',
        'strategies/default.yaml',
        '--accounts',
        '200',
        '--days',
        '10',
        '--json',
      ).out,
    );
    expect(json.results[0]).toMatchObject({ accounts: 200 });
  });

  it('checks a contact against the compliance rules', () => {
    const file = join(dataDir, 'case.json');
    writeFileSync(
      file,
      JSON.stringify({
        ruleSet: 'CN',
        consumer: { timezones: ['Asia/Shanghai'] },
        history: [],
        proposed: {
          ts: '2026-03-02T22:30:00+08:00',
          channel: 'phone',
          debts: ['L1'],
          person: 'debtor',
        },
      }),
    );
    const r = recoup('compliance', 'check', '--input', file);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      decision: 'DENY',
      reasons: [
        { rule: 'CN.contact-hours', message: '22:30 in Asia/Shanghai is outside 08:00-22:00' },
      ],
      nextAllowed: '2026-03-03T00:00:00.000Z',
    });
    writeFileSync(file, '{"ruleSet": "CN"}');
    const bad = recoup('compliance', 'check', '--input', file);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('consumer.timezones: a list of time zones is required');
  });

  it('refuses bad arguments and bad configuration', () => {
    expect(recoup('cycle', '--as-of', '2026-02-30').code).toBe(1);
    const r = spawnSync(process.execPath, ['bin/recoup.mjs', 'migrate'], {
      env: { ...env, PORT: 'eighty', RECOUP_TIMEZONE: 'Moon/Base' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('PORT: "eighty" is not a port number');
    expect(r.stderr).toContain('RECOUP_TIMEZONE: unknown time zone "Moon/Base"');
  });
});
