/**
 * Scoring the portfolio as a user runs it from the command line: a training table from the
 * history, a scorecard trained on it and activated, the cycle scoring and classifying every
 * account, and the tiers, an account's scores, the monitoring and the classification read back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/time/date.ts';
import { ENGINE } from '../support/platform.ts';
import { cliHarness } from '../support/cli.ts';

const { dataDir, recoup, cleanup } = cliHarness('spcli');
const today = new Date().toISOString().slice(0, 10);

afterAll(cleanup);

describe(`score commands on the portfolio (${ENGINE})`, () => {
  it('builds a training table, trains and activates, scores in the cycle and reads it back', () => {
    const gen = join(dataDir, 'gen');
    expect(
      recoup('generate', '--accounts', '2500', '--seed', '4', '--as-of', today, '--out', gen).code,
    ).toBe(0);
    expect(recoup('import', gen).code).toBe(0);

    const early = recoup(
      'score',
      'build-training-set',
      '--purpose',
      'early_warning',
      '--as-of',
      addDays(today, -30),
      '--out',
      join(dataDir, 'x.csv'),
    );
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/VALIDATION: the outcome of early_warning is watched for 60 days/);

    const csv = join(dataDir, 'ew.csv');
    const built = recoup(
      'score',
      'build-training-set',
      '--purpose',
      'early_warning',
      '--as-of',
      addDays(today, -70),
      '--out',
      csv,
    );
    expect(built.code, built.err).toBe(0);
    expect(built.out).toMatch(/^\d+ accounts, \d+ events/);
    const header = readFileSync(csv, 'utf8').split('\n')[0]!;
    expect(header.startsWith('account,as_of,product,bucket,past_due_days')).toBe(true);
    expect(header.endsWith(',reached_30_dpd_60d')).toBe(true);

    // the table trains on its own through the file commands too
    const model = join(dataDir, 'ew.json');
    const file = recoup(
      'score',
      'train',
      '--data',
      csv,
      '--target',
      'reached_30_dpd_60d',
      '--id',
      'account',
      '--exclude',
      'as_of',
      '--out',
      model,
    );
    expect(file.code, file.err).toBe(0);
    const reg = recoup(
      'score',
      'register',
      '--model',
      model,
      '--purpose',
      'early_warning',
      '--by',
      'Mia',
      '--activate',
    );
    expect(reg.code, reg.err).toBe(0);

    const coll = recoup(
      'score',
      'train-portfolio',
      '--purpose',
      'collection',
      '--as-of',
      addDays(today, -40),
      '--by',
      'Mia',
      '--activate',
    );
    expect(coll.code, coll.err).toBe(0);
    expect(coll.out).toMatch(/registered as collection v1 \(active\)/);

    const cyc = recoup('cycle', '--from', addDays(today, -2), '--to', today, '--dispatch', 'none');
    expect(cyc.code, cyc.err).toBe(0);

    const portfolio = JSON.parse(recoup('score', 'portfolio').out) as {
      tiers: Record<string, number>;
    };
    expect(Object.values(portfolio.tiers).reduce((a, b) => a + b, 0)).toBe(2500);

    const first = readFileSync(join(gen, 'accounts.csv'), 'utf8').split('\n')[1]!.split(',')[0]!;
    const account = JSON.parse(recoup('score', 'account', first).out) as {
      tier: { tier: string };
      scores: { purpose: string; reasons: string[] }[];
    };
    expect(account.tier.tier).toMatch(/^[A-E]$/);
    expect(account.scores.map((s) => s.purpose)).toEqual(['collection', 'early_warning']);
    expect(recoup('score', 'account', 'no-such-account').code).toBe(1);

    const mon = recoup('score', 'monitor');
    expect(mon.code, mon.err).toBe(0);
    expect(mon.out).toMatch(/early_warning v1 on \d{4}-\d\d-\d\d: \d+ accounts, PSI \d/);
    expect(mon.out).toMatch(/collection v1 on/);

    const shown = recoup('score', 'classification');
    expect(shown.out).toMatch(
      /^purposes: early_warning while not past due, collection once past due/,
    );
    expect(shown.out).toContain('极低风险');
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'tiers:\n  - name: A\nrules:\n  - tier: A\n');
    const refused = recoup('score', 'classification', 'set', bad);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/tiers\[0\]\.label/);

    const limits = recoup('score', 'limits', '--psi', '0.2');
    expect(JSON.parse(limits.out)).toMatchObject({ psi: 0.2 });
  }, 300_000);
});
