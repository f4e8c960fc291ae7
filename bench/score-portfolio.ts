/**
 * `npm run bench:score-portfolio -- --accounts 1000000 --engine postgres [--keep]`
 *
 * Scoring the portfolio in the daily cycle. The early-warning and collection scorecards are
 * trained on a 20,000-account portfolio's history (the training tables are built from the
 * ledger day by day), then registered and activated on a database holding the portfolio to
 * score (the bench:cycle portfolio: `--keep` reuses its import). Three days are cycled: the
 * first, when every score and tier is new, then two steady days. Each day's scoring
 * (behaviour characteristics, both scorecards, the tiers, snapshots and monitoring) is timed
 * inside the cycle and reported apart from the rest of the cycle.
 */
import { readFileSync } from 'node:fs';
import { importFolder } from '../src/adapters/cli/commands.ts';
import { Progress } from '../src/adapters/cli/progress.ts';
import { runCycles } from '../src/app/cycle/run-cycle.ts';
import { trainFromPortfolio } from '../src/app/scoring/portfolio.ts';
import { registerModel } from '../src/app/scoring/registry.ts';
import { publishSource } from '../src/app/strategy/strategies.ts';
import { addDays } from '../src/domain/time/date.ts';
import { PURPOSES } from '../src/domain/scoring/purposes.ts';
import type { ScorecardModel } from '../src/domain/scoring/model.ts';
import { AS_OF, args, freshPlatform, keep, portfolioFolder, record, s, timed } from './lib.ts';

const TRAINING_ACCOUNTS = 20_000;

/** Both scorecards, trained on a smaller portfolio of the same generator. */
async function trainModels(): Promise<{
  models: ScorecardModel[];
  seconds: Record<string, number>;
}> {
  const folder = await portfolioFolder(TRAINING_ACCOUNTS);
  const p = await freshPlatform('pglite', `bench_score_train_${TRAINING_ACCOUNTS}`, false);
  const seconds: Record<string, number> = {};
  try {
    const report = await importFolder(p, folder, { progress: new Progress() });
    if (report.status !== 'imported') throw new Error(`import ${report.status}`);
    const models: ScorecardModel[] = [];
    for (const purpose of ['early_warning', 'collection'] as const) {
      const asOf = addDays(AS_OF, -(PURPOSES[purpose].horizonDays + 1));
      const [r, secs] = await timed(() =>
        trainFromPortfolio(p, { purpose, asOf, today: AS_OF, by: 'bench', register: false }),
      );
      seconds[purpose] = s(secs);
      process.stderr.write(
        `${purpose}: ${r.table.population} accounts, ${r.table.events} events, test AUC ${r.model.metrics.test?.auc.toFixed(3)} in ${secs.toFixed(1)} s\n`,
      );
      models.push(r.model);
    }
    return { models, seconds };
  } finally {
    await p.close();
  }
}

const { accounts, engines } = args();
const trained = await trainModels();
for (const engine of engines) {
  for (const n of accounts) {
    const folder = await portfolioFolder(n);
    // the same database as bench:cycle, so that --keep reuses its import
    const p = await freshPlatform(engine, `bench_cycle_${n}`, keep);
    try {
      const counts = await p.db.query<{ accounts: number }>(
        'SELECT count(*)::bigint AS accounts FROM accounts',
      );
      if (Number(counts.rows[0]?.accounts) !== n) {
        const report = await importFolder(p, folder, { progress: new Progress() });
        if (report.status !== 'imported') throw new Error(`import ${report.status}`);
      }
      await p.db.exec(`
        TRUNCATE planned_actions, strategy_path_events, strategy_assignments, cycle_runs,
          portfolio_snapshots, bucket_transitions, account_states, account_scores, account_tiers,
          score_snapshots, score_snapshot_runs, score_runs, score_monitoring CASCADE;
        DELETE FROM score_models;
        DELETE FROM strategy_versions;`);
      await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
        by: 'bench',
        reason: 'benchmark',
        effectiveFrom: '2000-01-01',
      });
      for (const [i, model] of trained.models.entries())
        await registerModel(p.models, model, {
          purpose: i === 0 ? 'early_warning' : 'collection',
          by: 'bench',
          activate: true,
        });
      const deps = {
        cycles: p.cycles,
        policies: p.policies,
        clock: { now: () => new Date() },
        planner: p.planner,
      };
      // the first day (every score and tier new), then two steady days
      const day1 = addDays(AS_OF, -2);
      const [[first], firstSecs] = await timed(() => runCycles(deps, { from: day1, to: day1 }));
      const steady: { cycleSeconds: number; scoreSeconds: number; scored: unknown }[] = [];
      for (const day of [addDays(AS_OF, -1), AS_OF]) {
        const [[next], secs] = await timed(() => runCycles(deps, { from: day, to: day }));
        steady.push({
          cycleSeconds: s(secs),
          scoreSeconds: s((next?.scoreMs ?? 0) / 1000),
          scored: next?.scored,
        });
      }
      const tiers = await p.scoring.distribution();
      record({
        bench: 'score-portfolio',
        engine,
        accounts: n,
        trainingAccounts: TRAINING_ACCOUNTS,
        trainSeconds: trained.seconds,
        characteristics: trained.models.map((m) => m.characteristics.length),
        firstDayCycleSeconds: s(firstSecs),
        firstDayScoreSeconds: s((first?.scoreMs ?? 0) / 1000),
        steadyDays: steady,
        tiers: tiers.tiers,
      });
    } finally {
      await p.close();
    }
  }
}
