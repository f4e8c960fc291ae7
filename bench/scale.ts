/**
 * `npm run bench:scale [-- --accounts 1000000 --workers 1,2,4 --partitions 16 --keep]`
 *
 * The daily cycle at scale on the PostgreSQL server: a portfolio of `--accounts` accounts is
 * imported once (kept in the schema `bench_scale_<n>` for later runs with `--keep`), the default
 * strategy published and a first day cycled. Then, for each number of worker processes in
 * `--workers`, that many `recoup worker` processes are started (and left to settle), the next
 * business day is queued in `--partitions` partitions (`recoup cycle --queue`), and the time
 * from queueing to the day's last partition and finish is taken; the workers are stopped before
 * the next count. Each count cycles a new day (the steady state: a day after a cycled day), so
 * each run does a day's real work: transitions, scores and tiers, the strategy's actions.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cycleQueued, enqueueCycle } from '../src/adapters/cycle-runtime.ts';
import { addDays } from '../src/domain/time/date.ts';
import {
  args,
  cycledPortfolio,
  freshPlatform,
  keep,
  option,
  machine,
  record,
  s,
  spawnWorker,
  timed,
} from './lib.ts';

const get = option;
const workerCounts = (get('workers') ?? '1,2,4').split(',').map(Number);
const partitions = Number(get('partitions') ?? '16');

// a million accounts unless told otherwise
if (!process.argv.includes('--accounts')) process.argv.push('--accounts', '1000000');
const n = args().accounts[0]!;
const schema = `bench_scale_${n}`;
const p = await freshPlatform('postgres', schema, keep);
const children: ChildProcess[] = [];
const stopWorkers = async () => {
  const live = children.splice(0).filter((c) => c.exitCode === null);
  for (const c of live) c.kill('SIGTERM');
  await Promise.all(live.map((c) => once(c, 'exit')));
};
try {
  await cycledPortfolio(p, n, partitions);
  const results: Record<string, unknown>[] = [];
  for (const w of workerCounts) {
    for (let i = 0; i < w; i++) children.push(spawnWorker(schema));
    // the workers start (loading the program, connecting) before the day is queued
    await new Promise((r) => setTimeout(r, 4000));
    const day = addDays((await p.cycles.lastCycled())!, 1);
    const [, secs] = await timed(async () => {
      await enqueueCycle(p, { from: day, to: day }, partitions, 'none');
      while (await cycleQueued(p)) await new Promise((x) => setTimeout(x, 100));
    });
    await stopWorkers();
    const st = await p.cycles.status(day);
    const run = await p.db.query<{ transitions: number }>(
      'SELECT transitions FROM cycle_runs WHERE as_of = $1',
      [day],
    );
    const parts = st?.parts.map((x) => (x.durationMs ?? 0) / 1000) ?? [];
    const line = {
      workers: w,
      day,
      seconds: s(secs),
      accountsPerSecond: Math.round(n / secs),
      transitions: run.rows[0]?.transitions,
      partitionSeconds: {
        min: s(Math.min(...parts)),
        max: s(Math.max(...parts)),
        sum: s(parts.reduce((a, b) => a + b, 0)),
      },
    };
    process.stderr.write(`${w} worker(s): ${JSON.stringify(line)}\n`);
    results.push(line);
  }
  record({
    bench: 'scale',
    engine: 'postgres',
    accounts: n,
    partitions,
    cores: machine().cores,
    results,
  });
} finally {
  await stopWorkers();
  await p.close();
}
