/**
 * `npx tsx bench/cycle-partitions.ts --accounts 100000 [--partitions 1,4] [--workers 2]`
 *
 * The daily cycle in partitions on the PostgreSQL server: a portfolio imported once (as
 * bench:cycle), the default strategy published, the first day cycled, then the next day timed
 * (the steady state) for each number of partitions: in one process, one partition after the
 * other (`recoup cycle`), and through the job queue with `--workers` worker processes
 * (`recoup worker`) sharing the partitions. Each run is the same day again, so each changes
 * nothing and is timed alike.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { importFolder } from '../src/adapters/cli/commands.ts';
import { Progress } from '../src/adapters/cli/progress.ts';
import { cycleQueued, enqueueCycle } from '../src/adapters/cycle-runtime.ts';
import { runCycles } from '../src/app/cycle/run-cycle.ts';
import { publishSource } from '../src/app/strategy/strategies.ts';
import { addDays } from '../src/domain/time/date.ts';
import {
  AS_OF,
  args,
  freshPlatform,
  keep,
  option,
  portfolioFolder,
  record,
  s,
  spawnWorker,
  timed,
} from './lib.ts';

const get = option;
const partitionCounts = (get('partitions') ?? '1,4').split(',').map(Number);
const workers = Number(get('workers') ?? '2');

const { accounts } = args();
for (const n of accounts) {
  const schema = `bench_partitions_${n}`;
  const p = await freshPlatform('postgres', schema, keep);
  const children: ChildProcess[] = [];
  try {
    const folder = await portfolioFolder(n);
    const count = await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
    if (count.rows[0]?.n !== n) {
      const report = await importFolder(p, folder, { progress: new Progress() });
      if (report.status !== 'imported') throw new Error(`import ${report.status}`);
      await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
        by: 'bench',
        reason: 'benchmark',
        effectiveFrom: '2000-01-01',
      });
    }
    const deps = (partitions: number) => ({
      cycles: p.cycles,
      policies: p.policies,
      clock: { now: () => new Date() },
      planner: p.planner,
      partitions,
    });
    const day1 = addDays(AS_OF, -1);
    if ((await p.cycles.lastCycled()) === null) await runCycles(deps(1), { from: day1, to: day1 });
    // the workers, started once; each idles while nothing is queued
    for (let i = 0; i < workers; i++) children.push(spawnWorker(schema));
    await new Promise((r) => setTimeout(r, 3000));
    const results: Record<string, number> = {};
    for (const k of partitionCounts) {
      const [[r], inProcess] = await timed(() => runCycles(deps(k), { from: AS_OF, to: AS_OF }));
      results[`inProcess_${k}`] = s(inProcess);
      const [, queued] = await timed(async () => {
        await enqueueCycle(p, { from: AS_OF, to: AS_OF }, k, 'none');
        while (await cycleQueued(p)) await new Promise((x) => setTimeout(x, 50));
      });
      results[`workers${workers}_${k}`] = s(queued);
      const st = await p.cycles.status(AS_OF);
      process.stderr.write(
        `${k} partitions: in process ${s(inProcess)} s (${r?.accounts} accounts, ${r?.actions} actions), ` +
          `${workers} workers ${s(queued)} s (partitions ${st?.parts.map((x) => s((x.durationMs ?? 0) / 1000)).join(', ')} s)\n`,
      );
    }
    record({ bench: 'cycle-partitions', engine: 'postgres', accounts: n, workers, ...results });
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await p.close();
  }
}
