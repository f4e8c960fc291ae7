/**
 * `npm run bench:cycle -- --accounts 100000,1000000 --engine postgres,pglite`
 *
 * Imports a generated portfolio into a fresh database (not timed here: see bench:import), then
 * times the daily cycle: the first day (every account's state is new), the next day (the steady
 * state) and a re-run of that day (idempotent). The floor, in the same run: a bare COPY of the
 * same state rows out of the database and back into a table.
 */
import { importFolder } from '../src/adapters/cli/commands.ts';
import { Progress } from '../src/adapters/cli/progress.ts';
import type { Platform } from '../src/adapters/platform.ts';
import { runCycles } from '../src/app/cycle/run-cycle.ts';
import { addDays } from '../src/domain/time/date.ts';
import { AS_OF, args, freshPlatform, portfolioFolder, record, s, timed } from './lib.ts';

const STATE_COLUMNS = [
  'account_id',
  'outstanding',
  'arrears',
  'credit',
  'overdue_due_date',
  'delinquent_date',
  'next_due_date',
  'past_due_days',
  'delinquent_days',
  'bucket',
  'ageing',
];

/** COPY the account states out and back in (into a new table): moving the rows, no logic. */
async function copyFloor(p: Platform): Promise<{ out: number; in: number }> {
  const [csv, out] = await timed(() =>
    p.db.copyOut(`SELECT ${STATE_COLUMNS.join(', ')} FROM account_states`),
  );
  const [, back] = await timed(() =>
    p.db.transaction(async (tx) => {
      await tx.query('CREATE TEMP TABLE floor_states (LIKE account_states) ON COMMIT DROP');
      await tx.copyFromText('floor_states', STATE_COLUMNS, csv);
    }),
  );
  return { out, in: back };
}

const { accounts, engines } = args();
for (const engine of engines) {
  for (const n of accounts) {
    const folder = await portfolioFolder(n);
    const p = await freshPlatform(engine, `bench_cycle_${n}`);
    try {
      const progress = new Progress();
      const report = await importFolder(p, folder, { progress });
      if (report.status !== 'imported') throw new Error(`import ${report.status}`);
      const deps = { cycles: p.cycles, policies: p.policies, clock: { now: () => new Date() } };
      const day1 = addDays(AS_OF, -1);
      const [[first], firstSecs] = await timed(() => runCycles(deps, { from: day1, to: day1 }));
      const [[next], nextSecs] = await timed(() => runCycles(deps, { from: AS_OF, to: AS_OF }));
      const [, rerunSecs] = await timed(() => runCycles(deps, { from: AS_OF, to: AS_OF }));
      const floor = await copyFloor(p);
      record({
        bench: 'cycle',
        engine,
        accounts: n,
        instalments: report.files.instalments?.rows,
        payments: report.files.payments?.rows,
        firstDaySeconds: s(firstSecs),
        firstDayTransitions: first?.transitions,
        nextDaySeconds: s(nextSecs),
        nextDayTransitions: next?.transitions,
        rerunSameDaySeconds: s(rerunSecs),
        copyOutSeconds: s(floor.out),
        copyInSeconds: s(floor.in),
      });
    } finally {
      await p.close();
    }
  }
}
