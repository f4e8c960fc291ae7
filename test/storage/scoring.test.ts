/**
 * Scoring the portfolio on the engine under test: training tables from history, scorecards
 * trained and activated, the cycle scoring and classifying every account — and the set-wise
 * SQL agreeing with the domain's scorer and classifier on every account.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import {
  BEHAVIOUR_FEATURES,
  computeBehaviourFeatures,
  scorecardSql,
} from '../../src/adapters/storage/score-sql.ts';
import { ledgerStateSql } from '../../src/adapters/storage/ledger-state-sql.ts';
import { scoreDay } from '../../src/adapters/storage/scoring-store.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import {
  buildTrainingSet,
  setClassification,
  trainFromPortfolio,
} from '../../src/app/scoring/portfolio.ts';
import { activateModel } from '../../src/app/scoring/registry.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import { classify, purposeFor } from '../../src/domain/scoring/classification.ts';
import { parseModel, type ScorecardModel } from '../../src/domain/scoring/model.ts';
import { compileScorer, scoreRow } from '../../src/domain/scoring/scorecard.ts';
import { histogram } from '../../src/domain/scoring/measures.ts';
import { stability } from '../../src/domain/scoring/monitoring.ts';
import { addDays } from '../../src/domain/time/date.ts';
import { readFileSync } from 'node:fs';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const AS_OF = '2026-06-30';
const FIRST = addDays(AS_OF, -9);

describe(`portfolio scoring (${ENGINE})`, () => {
  let p: Platform;
  const clock = fixedClock(`${AS_OF}T12:00:00Z`);
  let ew: ScorecardModel;
  let coll: ScorecardModel;

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const dir = mkdtempSync(join(tmpdir(), 'recoup-score-'));
    await runGenerate({ accounts: 3000, seed: 11, asOf: AS_OF, out: dir });
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
    await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
      by: 'Mia',
      reason: 'test',
      effectiveFrom: '2026-01-01',
    });
  }, 120_000);
  afterAll(async () => {
    await p?.close();
  });

  it('refuses a training set whose horizon has not passed, and unknown purposes', async () => {
    await expect(
      buildTrainingSet(p, 'early_warning', addDays(AS_OF, -30), AS_OF),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [{ at: 'asOf' }],
    });
    await expect(buildTrainingSet(p, 'churn', '2026-01-01', AS_OF)).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [{ at: 'purpose' }],
    });
  });

  it('builds training tables whose targets follow the ledger day by day', async () => {
    const asOf = addDays(FIRST, -61);
    const t = await buildTrainingSet(p, 'early_warning', asOf, addDays(FIRST, -1));
    expect(t.header).toEqual([
      'account',
      'as_of',
      ...BEHAVIOUR_FEATURES.map((f) => f.name),
      'reached_30_dpd_60d',
    ]);
    expect(t.population).toBeGreaterThan(500);
    expect(t.events).toBeGreaterThan(20);
    // the target, recomputed here with the ledger query day by day
    const policy = await p.policies.ledgerPolicy();
    const worst = new Map<string, number>();
    for (let d = 1; d <= 60; d++) {
      const r = await p.db.query<{ ext: string; past_due_days: number }>(
        `SELECT a.external_id AS ext, s.past_due_days FROM (${ledgerStateSql(policy)}) s JOIN accounts a ON a.id = s.account_id`,
        [addDays(asOf, d)],
      );
      for (const x of r.rows) worst.set(x.ext, Math.max(worst.get(x.ext) ?? 0, x.past_due_days));
    }
    const target = t.header.length - 1;
    for (const row of t.rows)
      expect(row[target], String(row[0])).toBe((worst.get(String(row[0])) ?? 0) >= 30 ? 1 : 0);
    // every row is of the population: not past due, with a balance, as of the day
    expect(t.rows.every((r) => r[t.header.indexOf('past_due_days')] === 0)).toBe(true);

    const c = await buildTrainingSet(p, 'collection', addDays(FIRST, -31), addDays(FIRST, -1));
    expect(c.header.at(-1)).toBe('no_cure_or_payment_30d');
    expect(c.rows.every((r) => (r[c.header.indexOf('past_due_days')] as number) > 0)).toBe(true);
    expect(c.events).toBeGreaterThan(0);
    expect(c.events).toBeLessThan(c.population);
  }, 120_000);

  it('trains, registers and activates both purposes; the cycle scores and classifies every account', async () => {
    for (const purpose of ['early_warning', 'collection']) {
      const r = await trainFromPortfolio(p, {
        purpose,
        asOf: addDays(FIRST, -(purpose === 'early_warning' ? 61 : 31)),
        today: addDays(FIRST, -1),
        by: 'Mia',
        activate: true,
      });
      expect(r.stored).toMatchObject({ purpose, version: 1, active: true });
      expect(r.model.characteristics.length).toBeGreaterThan(0);
      // better than chance on a small test part (about 25 early-warning events in it)
      expect(r.model.metrics.test!.auc).toBeGreaterThan(0.55);
      if (purpose === 'early_warning') ew = r.model;
      else coll = r.model;
    }
    const results = await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: FIRST, to: AS_OF },
    );
    const last = results.at(-1)!;
    expect(last.scored?.map((s) => s.purpose)).toEqual(['collection', 'early_warning']);
    const accounts = Number(
      (await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts')).rows[0]!.n,
    );
    for (const s of last.scored!) expect(s.accounts).toBe(accounts);
    const tiers = await p.scoring.distribution();
    expect(Object.values(tiers.tiers).reduce((a, b) => a + b, 0)).toBe(accounts);
    // the tiers spread over the standard, not all in one
    expect(Object.keys(tiers.tiers).length).toBeGreaterThanOrEqual(3);
  }, 240_000);

  it('scores in SQL exactly as the domain scorer does, and classifies as the domain does', async () => {
    const policy = await p.policies.ledgerPolicy();
    // the characteristics, and the scorecards compiled to SQL row by row (what scores a
    // model with too many bin combinations for a code)
    const { features, direct } = await p.db.transaction(async (tx) => {
      await tx.query(`CREATE TEMP TABLE st ON COMMIT DROP AS ${ledgerStateSql(policy)}`, [AS_OF]);
      await computeBehaviourFeatures(tx, 'st', policy, 'feat', AS_OF);
      const direct = new Map<
        string,
        { points: number; probability: number; band: string; reasons: string[] }
      >();
      for (const [purpose, model] of [
        ['early_warning', ew],
        ['collection', coll],
      ] as const)
        for (const r of (
          await tx.query<{
            account_id: number;
            points: number;
            probability: number;
            band: string;
            reasons: string[];
          }>(scorecardSql(parseModel(JSON.parse(JSON.stringify(model))), 'feat'))
        ).rows)
          direct.set(`${purpose}:${r.account_id}`, r);
      const features = (
        await tx.query<Record<string, unknown>>(
          'SELECT f.*, s.on_hold FROM feat f JOIN st s ON s.account_id = f.account_id',
        )
      ).rows;
      return { features, direct };
    });
    const stored = await p.db.query<{
      account_id: number;
      purpose: string;
      points: number;
      probability: number;
      band: string;
      reasons: string[];
    }>('SELECT account_id, purpose, points, probability, band, reasons FROM account_scores');
    const byKey = new Map(stored.rows.map((r) => [`${r.purpose}:${r.account_id}`, r]));
    const classification = await p.scoring.classification();
    const tiers = new Map(
      (
        await p.db.query<{ account_id: number; tier: string; rule: number }>(
          'SELECT account_id, tier, rule FROM account_tiers',
        )
      ).rows.map((r) => [Number(r.account_id), r]),
    );
    let compared = 0;
    for (const [purpose, model] of [
      ['early_warning', ew],
      ['collection', coll],
    ] as const) {
      // through JSON, as the registry keeps it
      const scorer = compileScorer(parseModel(JSON.parse(JSON.stringify(model))));
      for (const f of features) {
        const want = scoreRow(scorer, (c) => f[c], 3);
        const got = byKey.get(`${purpose}:${f.account_id}`);
        expect(got, `${purpose} ${f.account_id}`).toBeDefined();
        expect(got!.points).toBe(want.score);
        expect(got!.probability).toBeCloseTo(want.probability, 12);
        expect(got!.band).toBe(want.band);
        expect(got!.reasons).toEqual(want.reasons.map((r) => r.characteristic));
        const row = direct.get(`${purpose}:${f.account_id}`)!;
        expect(row.points).toBe(want.score);
        expect(row.probability).toBeCloseTo(want.probability, 12);
        expect(row.band).toBe(want.band);
        expect(row.reasons).toEqual(want.reasons.map((r) => r.characteristic));
        compared++;
      }
    }
    expect(compared).toBe(2 * features.length);
    for (const f of features) {
      const purpose = purposeFor(classification, Number(f.past_due_days));
      const score = byKey.get(`${purpose}:${f.account_id}`);
      const want = classify(classification, {
        purpose,
        bucket: String(f.bucket),
        onHold: Boolean(f.on_hold),
        pastDueDays: Number(f.past_due_days),
        probability: score ? Number(score.probability) : null,
      });
      expect(tiers.get(Number(f.account_id))).toMatchObject({ tier: want.tier, rule: want.rule });
    }
  }, 120_000);

  it('scores and classifies the same row by row, for a model with too many bin codes', async () => {
    const policy = await p.policies.ledgerPolicy();
    const read = async (db: { query: typeof p.db.query }) => ({
      // the probability as SQL and the domain compute it may differ in the last digit
      scores: (
        await db.query(
          'SELECT account_id, purpose, points, round(probability::numeric, 12) AS p, band, reasons FROM account_scores ORDER BY 1, 2',
        )
      ).rows,
      tiers: (await db.query('SELECT account_id, tier, rule FROM account_tiers ORDER BY 1')).rows,
    });
    const before = await read(p.db);
    const classification = await p.scoring.classification();
    const rowByRow = await p.db
      .transaction(async (tx) => {
        await tx.query(`CREATE TEMP TABLE st ON COMMIT DROP AS ${ledgerStateSql(policy)}`, [AS_OF]);
        // written again from nothing, with no code fitting: every model is scored by the
        // scorecard compiled to SQL
        await tx.exec('DELETE FROM account_scores; DELETE FROM account_tiers');
        await scoreDay(tx, AS_OF, 'st', policy, classification, 0);
        throw Object.assign(new Error('undo'), { seen: await read(tx) });
      })
      .catch((e: { seen?: unknown }) => e.seen);
    expect(rowByRow).toEqual(before);
    expect(before.scores.length).toBeGreaterThan(0);
  }, 120_000);

  it('gives the strategy the tier, probability and reasons', async () => {
    const r = await p.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM strategy_assignments sa JOIN account_tiers t ON t.account_id = sa.account_id
       WHERE sa.segment_id = 'pre_due_high_risk'`,
    );
    const high = await p.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM account_tiers t JOIN account_states s ON s.account_id = t.account_id
       WHERE t.tier IN ('D', 'E') AND s.bucket = 'current'`,
    );
    expect(high.rows[0]!.n).toBeGreaterThan(0);
    expect(r.rows[0]!.n).toBeGreaterThan(0);
  });

  it('records monitoring each day: PSI against training and the bands', async () => {
    const rows = await p.scoring.monitoring();
    expect(
      rows
        .filter((r) => r.asOf === AS_OF)
        .map((r) => r.purpose)
        .sort(),
    ).toEqual(['collection', 'early_warning']);
    for (const r of rows) {
      expect(r.psi).toBeGreaterThanOrEqual(0);
      expect(r.bands.reduce((s, b) => s + b.accounts, 0)).toBe(r.accounts);
    }
    // the day's figures as the domain computes them from the stored scores of each population
    for (const [purpose, model, population] of [
      ['early_warning', ew, 's.past_due_days = 0 AND s.outstanding > 0'],
      ['collection', coll, 's.past_due_days > 0'],
    ] as const) {
      const scores = (
        await p.db.query<{ points: number; probability: number; band: string }>(
          `SELECT sc.points, sc.probability, sc.band FROM account_scores sc
           JOIN account_states s ON s.account_id = sc.account_id
           WHERE sc.purpose = $1 AND ${population}`,
          [purpose],
        )
      ).rows;
      const day = rows.find((r) => r.asOf === AS_OF && r.purpose === purpose)!;
      const { breaks, counts } = model.scoreDistribution;
      const want = stability(
        counts,
        histogram(
          scores.map((x) => x.points),
          breaks,
        ),
      );
      expect(day.accounts).toBe(scores.length);
      expect(day.psi).toBeCloseTo(want, 9);
      for (const b of day.bands) {
        const inBand = scores.filter((x) => x.band === b.band);
        expect(b.accounts).toBe(inBand.length);
        if (inBand.length > 0)
          expect(b.meanProbability).toBeCloseTo(
            inBand.reduce((t, x) => t + x.probability, 0) / inBand.length,
            9,
          );
      }
    }
    // a limit of zero makes every day's PSI an alert on the next cycle
    await p.scoring.saveMonitoringLimits({ psi: 0 });
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: AS_OF, to: AS_OF },
    );
    const again = (await p.scoring.monitoring()).filter((r) => r.asOf === AS_OF);
    expect(again.every((r) => r.alerts.some((a) => a.kind === 'psi'))).toBe(true);
    await p.scoring.saveMonitoringLimits({});
  }, 60_000);

  it('serves scores, tiers, the classification and the monitoring over HTTP', async () => {
    const app = await buildServer(p, testServer);
    try {
      const ext = (
        await p.db.query<{ e: string }>('SELECT external_id AS e FROM accounts ORDER BY id LIMIT 1')
      ).rows[0]!.e;
      const one = await app.inject({ method: 'GET', url: `/api/accounts/${ext}/scores` });
      expect(one.statusCode).toBe(200);
      expect(one.json().tier.tier).toMatch(/^[A-E]$/);
      expect(one.json().scores.map((x: { purpose: string }) => x.purpose)).toEqual([
        'collection',
        'early_warning',
      ]);
      expect(
        (await app.inject({ method: 'GET', url: '/api/accounts/nope/scores' })).statusCode,
      ).toBe(404);
      const dist = (await app.inject({ method: 'GET', url: '/api/scoring/portfolio' })).json();
      expect(Object.keys(dist.bands).sort()).toEqual(['collection', 'early_warning']);
      const cls = (await app.inject({ method: 'GET', url: '/api/scoring/classification' })).json();
      expect(cls.tiers.map((t: { name: string }) => t.name)).toEqual(['A', 'B', 'C', 'D', 'E']);
      const bad = await app.inject({
        method: 'PUT',
        url: '/api/scoring/classification',
        payload: { tiers: 'x' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details[0].at).toBe('tiers');
      const mon = (
        await app.inject({ method: 'GET', url: '/api/scoring/monitoring?purpose=collection' })
      ).json();
      expect(mon.length).toBeGreaterThan(0);
      expect(mon.every((r: { purpose: string }) => r.purpose === 'collection')).toBe(true);
      const lim = await app.inject({
        method: 'PUT',
        url: '/api/scoring/monitoring/limits',
        payload: { psi: 0.3 },
      });
      expect(lim.json()).toMatchObject({ psi: 0.3, calibrationGap: 0.1 });
      expect(
        (
          await app.inject({
            method: 'PUT',
            url: '/api/scoring/monitoring/limits',
            payload: { psi: -1 },
          })
        ).statusCode,
      ).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('takes a new classification from the next cycle, and refuses a wrong one naming the field', async () => {
    await expect(setClassification(p.scoring, { tiers: [], rules: [] })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [{ at: 'tiers' }],
    });
    const everyoneB = {
      tiers: [
        {
          name: 'B',
          label: { en: 'B', 'zh-CN': '乙' },
          explanation: { en: 'all', 'zh-CN': '全部' },
        },
      ],
      rules: [{ tier: 'B' }],
    };
    await setClassification(p.scoring, everyoneB);
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: AS_OF, to: AS_OF },
    );
    expect(Object.keys((await p.scoring.distribution()).tiers)).toEqual(['B']);
  }, 60_000);

  it('drops the scores of a purpose whose model is deactivated, and rescoring with another version', async () => {
    await activateModel(p.models, 'early_warning', 1, 'Mia');
    await p.models.deactivate('collection', 'Mia');
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: AS_OF, to: AS_OF },
    );
    const d = await p.scoring.distribution();
    expect(Object.keys(d.bands)).toEqual(['early_warning']);
  }, 60_000);

  it('follows the snapshots to their horizon: actual event rates by band as the ledger has them', async () => {
    await activateModel(p.models, 'collection', 1, 'Mia');
    const horizonEnd = addDays(FIRST, 30);
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: addDays(AS_OF, 1), to: horizonEnd },
    );
    // each day of the horizon from the ledger: cured or paid (collection), worst days past due
    const policy = await p.policies.ledgerPolicy();
    const cured = new Set<number>();
    const worst = new Map<number, number>();
    for (let d = 1; d <= 30; d++) {
      const r = await p.db.query<{
        account_id: number;
        past_due_days: number;
        last_paid_on: string | null;
      }>(
        `SELECT account_id, past_due_days, last_paid_on::text FROM (${ledgerStateSql(policy)}) s`,
        [addDays(FIRST, d)],
      );
      for (const x of r.rows) {
        const id = Number(x.account_id);
        if (x.past_due_days === 0 || (x.last_paid_on !== null && x.last_paid_on > FIRST))
          cured.add(id);
        worst.set(id, Math.max(worst.get(id) ?? 0, x.past_due_days));
      }
    }
    const snaps = await p.db.query<{
      purpose: string;
      account_id: number;
      band: string;
      probability: number;
      worst_past_due_days: number;
      cured_or_paid: boolean;
    }>(
      `SELECT purpose, account_id, band, probability, worst_past_due_days, cured_or_paid
       FROM score_snapshots WHERE as_of = $1::date`,
      [FIRST],
    );
    const collection = snaps.rows.filter((r) => r.purpose === 'collection');
    const early = snaps.rows.filter((r) => r.purpose === 'early_warning');
    expect(collection.length).toBeGreaterThan(100);
    expect(early.length).toBeGreaterThan(100);
    for (const r of collection)
      expect(r.cured_or_paid, `collection ${r.account_id}`).toBe(cured.has(Number(r.account_id)));
    for (const r of early)
      expect(r.worst_past_due_days, `early warning ${r.account_id}`).toBe(
        worst.get(Number(r.account_id)) ?? 0,
      );
    // the collection snapshot has matured: predicted against actual, band by band
    const day = (await p.scoring.monitoring()).find(
      (m) => m.asOf === horizonEnd && m.purpose === 'collection',
    );
    expect(day?.calibration?.length).toBeGreaterThan(0);
    for (const c of day!.calibration!) {
      const rows = collection.filter((r) => r.band === c.band);
      expect(c.snapshot).toBe(FIRST);
      expect(c.accounts).toBe(rows.length);
      expect(c.predicted).toBeCloseTo(rows.reduce((s, r) => s + r.probability, 0) / rows.length, 9);
      expect(c.actual).toBeCloseTo(rows.filter((r) => !r.cured_or_paid).length / rows.length, 9);
    }
    expect(day!.calibration!.reduce((s, c) => s + c.accounts, 0)).toBe(collection.length);
  }, 240_000);
});
