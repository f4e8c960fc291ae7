/**
 * `npm run bench:cycle -- --accounts 100000,1000000 --engine postgres,pglite`
 *
 * Imports a generated portfolio into a fresh database (not timed here: see bench:import), then
 * times the daily cycle: the first day (every account's state is new), the next day (the steady
 * state) and a re-run of that day (idempotent), each with the default strategy's planning
 * (segments and actions) reported separately. The floor, in the same run: a bare COPY of the
 * same state rows out of the database and back into a table. `--keep` reuses the portfolio a
 * previous run imported and only clears the cycle's tables.
 */
import { importFolder } from '../src/adapters/cli/commands.ts';
import { Progress } from '../src/adapters/cli/progress.ts';
import type { Platform } from '../src/adapters/platform.ts';
import { runCycles } from '../src/app/cycle/run-cycle.ts';
import { addDays } from '../src/domain/time/date.ts';
import { readFileSync } from 'node:fs';
import { publishSource } from '../src/app/strategy/strategies.ts';
import { STATE_COLUMNS } from '../src/adapters/storage/cycle-store.ts';

const COLUMNS = ['account_id', ...STATE_COLUMNS];
import { AS_OF, args, freshPlatform, keep, portfolioFolder, record, s, timed } from './lib.ts';

/** COPY the account states out and back in (into a new table): moving the rows, no logic. */
async function copyFloor(p: Platform): Promise<{ out: number; in: number }> {
  const [csv, out] = await timed(() =>
    p.db.copyOut(`SELECT ${COLUMNS.join(', ')} FROM account_states`),
  );
  const [, back] = await timed(() =>
    p.db.transaction(async (tx) => {
      await tx.query('CREATE TEMP TABLE floor_states (LIKE account_states) ON COMMIT DROP');
      await tx.copyFromText('floor_states', COLUMNS, csv);
    }),
  );
  return { out, in: back };
}

const { accounts, engines } = args();
for (const engine of engines) {
  for (const n of accounts) {
    const folder = await portfolioFolder(n);
    const p = await freshPlatform(engine, `bench_cycle_${n}`, keep);
    try {
      const progress = new Progress();
      const counts = await p.db.query<{ accounts: number; instalments: number; payments: number }>(
        `SELECT (SELECT count(*) FROM accounts)::bigint AS accounts,
                (SELECT count(*) FROM instalments)::bigint AS instalments,
                (SELECT count(*) FROM payments)::bigint AS payments`,
      );
      if (counts.rows[0]?.accounts !== n) {
        const report = await importFolder(p, folder, { progress });
        if (report.status !== 'imported') throw new Error(`import ${report.status}`);
      }
      await p.db.exec(`
        TRUNCATE planned_actions, strategy_path_events, strategy_assignments, cycle_runs,
          portfolio_snapshots, bucket_transitions, account_states CASCADE;
        DELETE FROM strategy_versions;`);
      await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
        by: 'bench',
        reason: 'benchmark',
        effectiveFrom: '2000-01-01',
      });
      const sizes = await p.db.query<{ instalments: number; payments: number }>(
        `SELECT (SELECT count(*) FROM instalments)::bigint AS instalments,
                (SELECT count(*) FROM payments)::bigint AS payments`,
      );
      const deps = {
        cycles: p.cycles,
        policies: p.policies,
        clock: { now: () => new Date() },
        planner: p.planner,
      };
      const day1 = addDays(AS_OF, -1);
      const [[first], firstSecs] = await timed(() => runCycles(deps, { from: day1, to: day1 }));
      const [[next], nextSecs] = await timed(() => runCycles(deps, { from: AS_OF, to: AS_OF }));
      const [, rerunSecs] = await timed(() => runCycles(deps, { from: AS_OF, to: AS_OF }));
      const floor = await copyFloor(p);
      record({
        bench: 'cycle',
        engine,
        accounts: n,
        instalments: sizes.rows[0]?.instalments,
        payments: sizes.rows[0]?.payments,
        firstDaySeconds: s(firstSecs),
        firstDayPlanSeconds: s((first?.planMs ?? 0) / 1000),
        firstDayTransitions: first?.transitions,
        firstDayActions: first?.actions,
        nextDaySeconds: s(nextSecs),
        nextDayPlanSeconds: s((next?.planMs ?? 0) / 1000),
        nextDayTransitions: next?.transitions,
        nextDayActions: next?.actions,
        rerunSameDaySeconds: s(rerunSecs),
        copyOutSeconds: s(floor.out),
        copyInSeconds: s(floor.in),
      });
    } finally {
      await p.close();
    }
  }
}
