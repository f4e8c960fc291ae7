/** Champion/challenger pilots through the daily cycle, on the engine under test. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import {
  experimentResults,
  promoteArm,
  startExperiment,
} from '../../src/app/experiment/experiments.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const DEFAULT = readFileSync('strategies/default.yaml', 'utf8');
// The challenger calls M1 accounts on their first day instead of the fifth.
const CHALLENGER = DEFAULT.replace(
  'id: first_call\n        offset: 5',
  'id: first_call\n        offset: 0',
);

describe(`experiments (${ENGINE})`, () => {
  let p: Platform;
  const clock = fixedClock('2026-05-01T00:00:00Z');
  const deps = () => ({ cycles: p.cycles, policies: p.policies, clock, planner: p.planner });
  const who = { by: 'Mia', reason: 'pilot' };

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const dir = mkdtempSync(join(tmpdir(), 'recoup-exp-'));
    await runGenerate({ accounts: 800, seed: 5, asOf: '2026-04-30', out: dir });
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
    expect(CHALLENGER).not.toBe(DEFAULT);
    await publishSource(p.strategies, DEFAULT, { ...who, effectiveFrom: '2026-01-01' });
    // Version 2 exists for the pilot only: effective far in the future, so never in force.
    await publishSource(p.strategies, CHALLENGER, { ...who, effectiveFrom: '2099-01-01' });
  }, 120_000);
  afterAll(async () => {
    await p?.close();
  });

  it('refuses an experiment whose arms do not exist or whose shares do not add up', async () => {
    const bad = {
      id: 'bad',
      name: 'Bad',
      population: 'true',
      arms: [
        { name: 'champion', strategyId: 'default', version: 1, share: 60 },
        { name: 'other', strategyId: 'default', version: 9, share: 30 },
      ],
    };
    await expect(
      startExperiment(p, bad, { by: 'Mia', startsOn: '2026-03-01' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: expect.arrayContaining([
        { at: 'arms', reason: 'shares add up to 90, not 100' },
        { at: 'arms[1]', reason: 'default v9 does not exist' },
      ]),
    });
  });

  it('splits the population by hash, keeps each account on its arm, and plans it with that arm', async () => {
    await startExperiment(
      p,
      {
        id: 'm1-early-call',
        name: 'Call M1 on day 0',
        population: 'account.bucket != "current"',
        arms: [
          { name: 'champion', strategyId: 'default', version: 1, share: 50 },
          { name: 'early_call', strategyId: 'default', version: 2, share: 50 },
        ],
      },
      { by: 'Mia', startsOn: '2026-03-01' },
    );
    await runCycles(deps(), { from: '2026-03-01', to: '2026-03-31' });
    const arms = await p.db.query<{ arm: string; n: number }>(
      'SELECT arm, count(*)::bigint AS n FROM experiment_assignments GROUP BY arm ORDER BY arm',
    );
    expect(arms.rows.map((r) => r.arm)).toEqual(['champion', 'early_call']);
    const total = arms.rows.reduce((n, r) => n + r.n, 0);
    expect(total).toBeGreaterThan(100);
    for (const r of arms.rows) expect(Math.abs(r.n / total - 0.5)).toBeLessThan(0.12);

    // Every action of an account in the challenger arm comes from version 2, and vice versa.
    const mismatched = await p.db.query<{ n: number }>(
      `SELECT count(*)::bigint AS n FROM planned_actions pa
       JOIN experiment_assignments ea ON ea.account_id = pa.account_id AND pa.planned_for >= ea.assigned_on
       WHERE (ea.arm = 'early_call') <> (pa.idempotency_key LIKE 'default@2/%')`,
    );
    expect(mismatched.rows[0]!.n).toBe(0);
    const earlyCalls = await p.db.query<{ n: number }>(
      `SELECT count(*)::bigint AS n FROM planned_actions pa
       JOIN strategy_path_events e ON e.account_id = pa.account_id AND e.on_date = pa.planned_for
       WHERE pa.idempotency_key LIKE 'default@2/%/m1/first_call/%'`,
    );
    expect(earlyCalls.rows[0]!.n).toBeGreaterThan(0);

    // Replaying the month assigns and plans the same.
    const snapshot = async () =>
      JSON.stringify(
        (
          await p.db.query(
            `SELECT ea.account_id, ea.arm, ea.assigned_on, ea.bucket, ea.balance,
                    (SELECT count(*) FROM planned_actions pa WHERE pa.account_id = ea.account_id)
             FROM experiment_assignments ea ORDER BY 1`,
          )
        ).rows,
      );
    const before = await snapshot();
    await runCycles(deps(), { from: '2026-03-01', to: '2026-03-01' });
    expect(await snapshot()).toBe(before);
  });

  it('reports per arm with intervals and tests against the champion', async () => {
    const r = await experimentResults(p, 'm1-early-call', '2026-03-31', { lift: 0.05 });
    expect(r.arms.map((a) => a.arm)).toEqual(['champion', 'early_call']);
    for (const a of r.arms) {
      expect(a.accounts).toBeGreaterThan(0);
      if (a.cureRate.rate !== null) {
        expect(a.cureRate.ci![0]).toBeLessThanOrEqual(a.cureRate.rate);
        expect(a.cureRate.ci![1]).toBeGreaterThanOrEqual(a.cureRate.rate);
      }
      expect(Object.values(a.actions).reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    }
    expect(r.arms[0]!.cureRate.vsChampion).toBeNull();
    const vs = r.arms[1]!.rollForwardRate.vsChampion!;
    expect(vs.ci[0]).toBeLessThanOrEqual(vs.difference);
    expect(vs.pValue).toBeGreaterThanOrEqual(0);
    expect(r.sampleSize?.perArm).toBeGreaterThan(0);
  });

  it('promotes the challenger: its version is published for everyone and the pilot ends', async () => {
    const { experiment, published } = await promoteArm(p, 'm1-early-call', 'early_call', {
      ...who,
      on: '2026-04-01',
    });
    expect(experiment).toMatchObject({ status: 'promoted', promotedArm: 'early_call' });
    expect(published).toMatchObject({ version: 3, effectiveFrom: '2026-04-01' });
    const [day] = await runCycles(deps(), { from: '2026-04-01', to: '2026-04-01' });
    expect(day!.strategyVersionId).toBe(published.id);
    const keys = await p.db.query<{ k: string }>(
      "SELECT DISTINCT split_part(idempotency_key, '/', 1) AS k FROM planned_actions WHERE planned_for = '2026-04-01'",
    );
    expect(keys.rows.map((r) => r.k)).toEqual(['default@3']);
  });
});
