/**
 * `npm run bench:workspace [-- --accounts 100000 --collectors 200 --seconds 30 --gap 2 --keep]`
 *
 * "Next account" under load on the PostgreSQL server: a portfolio is imported and cycled, the
 * day's strategy calls become tasks and are set in the queues of `--collectors` collectors
 * (English and Chinese desks); the API server runs in a process of its own with its clock at
 * 13:30 UTC of the bench day (the calling hours are open in Shanghai, London and New York,
 * not yet on the west coast of America). Two runs, one connection per collector:
 *
 * - paced: each collector asks for its next account at random moments, `--gap` seconds apart
 *   on average (a Poisson stream per collector; a collector on the phone asks every few
 *   minutes, so 2 s is a busy desk many times over), and gives the task back;
 * - saturated: autocannon keeps every connection busy, next and release in turn, as fast as
 *   the server answers (the latency is then the number of collectors over the throughput).
 *
 * Every "next account" is a real claim (pick, lock, event) among collectors competing for the
 * same tasks. Latencies of "next account" are reported apart from the releases; no task may be
 * given to a second collector while the first holds it, and no collector may hold two.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { importFolder } from '../src/adapters/cli/commands.ts';
import { Progress } from '../src/adapters/cli/progress.ts';
import { runCycles } from '../src/app/cycle/run-cycle.ts';
import { publishSource } from '../src/app/strategy/strategies.ts';
import {
  AS_OF,
  benchSession,
  freshPlatform,
  keep,
  args,
  portfolioFolder,
  prepareBenchDay,
  record,
  saveBenchDesks,
  s,
  timed,
} from './lib.ts';

const get = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const { accounts } = args();
const n = accounts[0]!;
const collectors = get('collectors', 200);
const seconds = get('seconds', 30);
// The paced run: each collector asks for its next account at random moments (exponential gaps)
// this many seconds apart on average, and gives it back; the saturated run asks without pause.
const gap = get('gap', 2);
const schema = `bench_workspace_${n}`;
const AT = `${AS_OF}T13:30:00Z`;
const PORT = 3917;

interface Ctx {
  collector?: string;
  task?: number;
}
const headersOf = (collector: string) => ({
  cookie: `recoup_session=${benchSession(collector).token}`,
  'x-csrf-token': benchSession(collector).csrf,
  'content-type': 'application/json',
});

const p = await freshPlatform('postgres', schema, keep);
const setup: Record<string, number> = {};
try {
  const [{ c }] = (await p.db.query<{ c: number }>('SELECT count(*)::int AS c FROM tasks'))
    .rows as [{ c: number }];
  if (!keep || c === 0) {
    const folder = await portfolioFolder(n);
    const [report, importSecs] = await timed(() =>
      importFolder(p, folder, { progress: new Progress() }),
    );
    if (report.status !== 'imported') throw new Error(`import ${report.status}`);
    setup.importSeconds = s(importSecs);
    await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
      by: 'bench',
      reason: 'the default policy',
      effectiveFrom: '2026-01-01',
    });
    const clock = { now: () => new Date(`${AS_OF}T06:00:00Z`) };
    const [, cycleSecs] = await timed(() =>
      runCycles(
        { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
        { from: AS_OF, to: AS_OF },
      ),
    );
    setup.cycleSeconds = s(cycleSecs);
    await saveBenchDesks(p, collectors);
    const [r, prepSecs] = await timed(() => prepareBenchDay(p, AS_OF, clock.now()));
    setup.dispatchAndQueuesSeconds = s(prepSecs);
    process.stderr.write(`queues: ${JSON.stringify(r.queues)}\n`);
  }
  // Every run starts from the same queues: no locks, nothing deferred.
  await p.db.query('UPDATE tasks SET locked_by = NULL, locked_until = NULL, not_before = NULL');
  await p.db.query('TRUNCATE task_events');
  await p.db.exec('VACUUM ANALYZE tasks');
  const stats = (
    await p.db.query<{ tasks: number; callable: number; assigned: number }>(
      `SELECT count(*)::int AS tasks,
              count(*) FILTER (WHERE callable_from <= $1 AND callable_to > $1)::int AS callable,
              count(*) FILTER (WHERE assignee IS NOT NULL)::int AS assigned
       FROM tasks WHERE kind = 'call' AND state IN ('open', 'assigned')`,
      [AT],
    )
  ).rows[0]!;
  process.stderr.write(`call tasks: ${JSON.stringify(stats)}\n`);

  const server = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/workspace-server.ts', schema, AT, String(PORT)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('listening')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`the server stopped (${code})`)));
  });
  try {
    const run = async (duration: number, perCollector: number) => {
      const next: number[] = [];
      const release: number[] = [];
      const statuses = new Map<number, number>();
      let empty = 0;
      let k = 0;
      // who holds each task, as the collectors see it: given by a 200, given back when the
      // release is sent; a task given to a second collector before that is given twice
      const holder = new Map<number, string>();
      let givenTwice = 0;
      const turn = new WeakMap<object, number>();
      let done!: (r: autocannon.Result) => void;
      let fail!: (e: unknown) => void;
      const finished = new Promise<autocannon.Result>((res, rej) => {
        done = res;
        fail = rej;
      });
      const instance = autocannon(
        {
          url: `http://127.0.0.1:${PORT}`,
          connections: collectors,
          duration,
          ...(perCollector > 0 ? { connectionRate: perCollector } : {}),
          requests: [
            {
              method: 'POST',
              path: '/api/desk/next',
              body: '{}',
              // each connection is one collector, named on its first request
              setupRequest: (req, ctx) => {
                const context = ctx as Ctx;
                context.collector ??= `collector-${(k++ % collectors) + 1}`;
                return { ...req, headers: headersOf(context.collector) };
              },
              onResponse: (status, body, ctx) => {
                const context = ctx as Ctx;
                const task =
                  status === 200
                    ? (JSON.parse(body) as { task: { id: number } | null }).task
                    : null;
                if (!task) empty++;
                else {
                  const h = holder.get(task.id);
                  if (h !== undefined && h !== context.collector) givenTwice++;
                  holder.set(task.id, context.collector!);
                }
                context.task = task?.id ?? 0;
              },
            },
            {
              method: 'POST',
              setupRequest: (req, ctx) => {
                const context = ctx as Ctx;
                holder.delete(context.task!);
                return {
                  ...req,
                  headers: headersOf(context.collector!),
                  path: `/api/desk/tasks/${String(context.task)}/release`,
                  body: '{}',
                };
              },
            },
          ],
        },
        (err, result) => (err ? fail(err) : done(result)),
      );
      instance.on('response', (client: object, status: number, _bytes: number, ms: number) => {
        const i = turn.get(client) ?? 0;
        turn.set(client, i + 1);
        (i % 2 === 0 ? next : release).push(ms);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      });
      const result = await finished;
      return { next, release, statuses, empty, result, givenTwice };
    };
    await run(5, 0); // warm-up
    await new Promise((r) => setTimeout(r, 3000));
    const pct = (xs: number[], q: number) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return Number(
        sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(2),
      );
    };
    // Collectors working independently: a Poisson stream of "next account" per collector over
    // keep-alive connections, one per collector.
    const paced = async (duration: number, meanGapS: number) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: collectors });
      const next: number[] = [];
      const release: number[] = [];
      const statuses = new Map<number, number>();
      let empty = 0;
      let errors = 0;
      const post = (path: string, collector: string) =>
        new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
          const t0 = performance.now();
          const req = http.request(
            {
              host: '127.0.0.1',
              port: PORT,
              path,
              method: 'POST',
              agent,
              headers: headersOf(collector),
            },
            (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (body += c));
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }),
              );
            },
          );
          req.on('error', reject);
          req.end('{}');
        });
      const end = performance.now() + duration * 1000;
      let seed = 2026;
      const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) + 1) / (2 ** 31 + 1);
      await Promise.all(
        Array.from({ length: collectors }, async (_, i) => {
          const collector = `collector-${i + 1}`;
          for (;;) {
            await new Promise((r) => setTimeout(r, -Math.log(random()) * meanGapS * 1000));
            if (performance.now() >= end) return;
            try {
              const n = await post('/api/desk/next', collector);
              next.push(n.ms);
              statuses.set(n.status, (statuses.get(n.status) ?? 0) + 1);
              const task =
                n.status === 200
                  ? (JSON.parse(n.body) as { task: { id: number } | null }).task
                  : null;
              if (!task) {
                empty++;
                continue;
              }
              const r = await post(`/api/desk/tasks/${task.id}/release`, collector);
              release.push(r.ms);
              statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            } catch {
              errors++;
            }
          }
        }),
      );
      agent.destroy();
      return { next, release, statuses, empty, errors, givenTwice: 0 };
    };

    for (const mode of ['paced', 'saturated'] as const) {
      const r =
        mode === 'paced'
          ? await paced(seconds, gap)
          : await run(seconds, 0).then((x) => ({
              ...x,
              errors: x.result.errors + x.result.timeouts,
            }));
      const doubles = (
        await p.db.query<{ c: number }>(
          `SELECT count(*)::int AS c FROM (SELECT locked_by FROM tasks WHERE locked_by IS NOT NULL
             GROUP BY locked_by HAVING count(*) > 1) x`,
        )
      ).rows[0]!.c;
      record({
        bench: 'workspace',
        mode,
        meanSecondsBetweenNexts: mode === 'paced' ? gap : 'none',
        engine: 'postgres',
        accounts: n,
        collectors,
        seconds,
        ...stats,
        ...setup,
        nextRequests: r.next.length,
        nextPerSecond: s(r.next.length / seconds),
        nextP50Ms: pct(r.next, 0.5),
        nextP90Ms: pct(r.next, 0.9),
        nextP99Ms: pct(r.next, 0.99),
        nextMaxMs: pct(r.next, 1),
        releaseP99Ms: pct(r.release, 0.99),
        emptyAnswers: r.empty,
        statuses: Object.fromEntries(r.statuses),
        errors: r.errors,
        collectorsHoldingTwo: doubles,
        tasksGivenTwice: r.givenTwice,
      });
      if (doubles > 0 || r.givenTwice > 0)
        throw new Error(`${doubles} collectors hold two tasks; ${r.givenTwice} tasks given twice`);
      await p.db.query('UPDATE tasks SET locked_by = NULL, locked_until = NULL, not_before = NULL');
    }
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
} finally {
  await p.close();
}
